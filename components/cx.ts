// Class names for the portal's components. tailwind-merge resolves conflicts, so a caller's
// class replaces the component's own for the same property (`w-auto` over `w-full`) instead of
// both landing in the attribute, where the stylesheet's order, not the caller, would decide.
import { twMerge, type ClassNameValue } from 'tailwind-merge';

export function cx(...classes: ClassNameValue[]): string {
  return twMerge(...classes);
}
