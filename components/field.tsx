'use client';
// Form fields: a Field names its control and ties its hint and error to it.
import { createContext, useContext, useId, type ComponentProps, type ReactNode } from 'react';
import { cx } from './cx';

/** What a Field tells the control inside it: its id, and which hint and error describe it. */
interface FieldWiring {
  id: string;
  describedBy: string | undefined;
  invalid: boolean;
}
const FieldContext = createContext<FieldWiring | null>(null);

/**
 * A labelled form control. The ids come from useId, so the label, hint and error are tied to
 * the Input, Select or Textarea inside (htmlFor, aria-describedby, aria-invalid) without the
 * caller naming anything. `hideLabel` keeps the label for screen readers only, for rows of
 * like controls whose heading names them.
 */
export function Field({ label, hint, error, hideLabel, children }: { label: string; hint?: ReactNode; error?: string | null; hideLabel?: boolean; children: ReactNode }) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <FieldContext value={{ id, describedBy, invalid: Boolean(error) }}>
      <div className="space-y-1">
        <label htmlFor={id} className={hideLabel ? 'sr-only' : 'block text-sm font-medium text-slate-800 dark:text-slate-200'}>
          {label}
        </label>
        {children}
        {hint && (
          <p id={hintId} className="text-xs text-slate-500 dark:text-slate-400">
            {hint}
          </p>
        )}
        {error && (
          <p id={errorId} role="alert" className="text-xs text-red-700 dark:text-red-300">
            {error}
          </p>
        )}
      </div>
    </FieldContext>
  );
}

type ControlWiring = { id?: string; 'aria-describedby'?: string; 'aria-invalid'?: ComponentProps<'input'>['aria-invalid'] };

/** The enclosing Field's id (it names the control) and descriptions, joined with any the caller gives. */
function useFieldWiring(props: ControlWiring): ControlWiring {
  const field = useContext(FieldContext);
  if (!field) return {};
  return {
    id: field.id,
    'aria-describedby': [field.describedBy, props['aria-describedby']].filter(Boolean).join(' ') || undefined,
    'aria-invalid': props['aria-invalid'] ?? (field.invalid || undefined),
  };
}

const inputClass = 'block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 dark:text-slate-100 shadow-sm ring-1 ring-inset ring-slate-300 dark:ring-slate-600 placeholder:text-slate-400 dark:placeholder:text-slate-500 dark:bg-slate-950 focus:ring-2 focus:ring-inset focus:ring-indigo-600';

export function Input({ className, ...props }: ComponentProps<'input'>) {
  return <input {...props} {...useFieldWiring(props)} className={cx(inputClass, className)} />;
}

export function Select({ className, ...props }: ComponentProps<'select'>) {
  return <select {...props} {...useFieldWiring(props)} className={cx(inputClass, 'bg-white dark:bg-slate-900', className)} />;
}

export function Textarea({ className, ...props }: ComponentProps<'textarea'>) {
  return <textarea {...props} {...useFieldWiring(props)} className={cx(inputClass, className)} />;
}
