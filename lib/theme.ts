// The portal's colour theme: the reader's choice (system, light or dark) is kept in
// localStorage; dark mode is the `dark` class on <html> (app/globals.css: @custom-variant dark).

export const THEME_STORAGE_KEY = 'signet-theme';
export const THEME_CHOICES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];

export function parseThemeChoice(value: string | null | undefined): ThemeChoice {
  return value === 'light' || value === 'dark' ? value : 'system';
}

export function isDarkTheme(choice: ThemeChoice, systemPrefersDark: boolean): boolean {
  return choice === 'dark' || (choice === 'system' && systemPrefersDark);
}

/**
 * Runs in <head> before the body is painted (app/layout.tsx, with the request's CSP nonce), so a
 * page never flashes the wrong theme. The same rule as parseThemeChoice and isDarkTheme, written
 * out as plain ES5: it runs before any bundle loads. Storage may be refused (privacy modes).
 */
export const THEME_SCRIPT = `(function(){var t=null;try{t=localStorage.getItem(${JSON.stringify(THEME_STORAGE_KEY)})}catch(e){}var d=t==='dark'||(t!=='light'&&window.matchMedia('(prefers-color-scheme: dark)').matches);document.documentElement.classList.toggle('dark',d)})()`;
