'use client';
// System / light / dark: the choice is stored (lib/theme.ts) and applied to <html> at once; on
// "system" the page follows the operating system's setting as it changes. Other tabs follow too.
import { useEffect, useSyncExternalStore } from 'react';
import { isDarkTheme, parseThemeChoice, THEME_CHOICES, THEME_STORAGE_KEY, type ThemeChoice } from '@/lib/theme';

const SYSTEM_DARK = '(prefers-color-scheme: dark)';
const labels: Record<ThemeChoice, string> = { system: 'System', light: 'Light', dark: 'Dark' };
const listeners = new Set<() => void>();

function storedChoice(): ThemeChoice {
  try {
    return parseThemeChoice(localStorage.getItem(THEME_STORAGE_KEY));
  } catch {
    return 'system';
  }
}

function apply(choice: ThemeChoice) {
  document.documentElement.classList.toggle('dark', isDarkTheme(choice, window.matchMedia(SYSTEM_DARK).matches));
}

function choose(choice: ThemeChoice) {
  try {
    if (choice === 'system') localStorage.removeItem(THEME_STORAGE_KEY);
    else localStorage.setItem(THEME_STORAGE_KEY, choice);
  } catch {
    // Storage refused: the choice holds for this page only.
  }
  apply(choice);
  listeners.forEach((notify) => notify());
}

function subscribe(notify: () => void) {
  listeners.add(notify);
  window.addEventListener('storage', notify);
  return () => {
    listeners.delete(notify);
    window.removeEventListener('storage', notify);
  };
}

export function ThemeToggle() {
  const choice = useSyncExternalStore(subscribe, storedChoice, () => 'system' as const);
  useEffect(() => {
    apply(choice);
    const system = window.matchMedia(SYSTEM_DARK);
    const follow = () => apply(choice);
    system.addEventListener('change', follow);
    return () => system.removeEventListener('change', follow);
  }, [choice]);
  return (
    <label className="inline-flex items-center gap-1.5 text-slate-600 dark:text-slate-400">
      <span aria-hidden>◐</span>
      <span className="sr-only">Theme</span>
      <select
        value={choice}
        onChange={(e) => choose(parseThemeChoice(e.target.value))}
        className="rounded-md border-0 bg-white py-1.5 pl-2 pr-7 text-sm text-slate-700 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-inset focus:ring-indigo-600 dark:bg-slate-900 dark:text-slate-300 dark:ring-slate-600"
      >
        {THEME_CHOICES.map((c) => (
          <option key={c} value={c}>
            {labels[c]}
          </option>
        ))}
      </select>
    </label>
  );
}
