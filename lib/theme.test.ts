import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { isDarkTheme, parseThemeChoice, THEME_SCRIPT, THEME_STORAGE_KEY } from './theme';

/** Runs the <head> script against a stored choice and a system preference; true when it set the dark class. */
function runHeadScript(stored: string | null | Error, systemDark: boolean): boolean {
  const classes = new Set<string>();
  runInNewContext(THEME_SCRIPT, {
    localStorage: {
      getItem(key: string) {
        if (stored instanceof Error) throw stored;
        return key === THEME_STORAGE_KEY ? stored : null;
      },
    },
    window: { matchMedia: (query: string) => ({ matches: query === '(prefers-color-scheme: dark)' && systemDark }) },
    document: { documentElement: { classList: { toggle: (name: string, on: boolean) => (on ? classes.add(name) : classes.delete(name)) } } },
  });
  return classes.has('dark');
}

describe('theme', () => {
  it('reads anything but light or dark as the system choice', () => {
    expect(parseThemeChoice('dark')).toBe('dark');
    expect(parseThemeChoice('light')).toBe('light');
    expect(parseThemeChoice('Dark')).toBe('system');
    expect(parseThemeChoice(null)).toBe('system');
  });

  it('the head script applies the same rule as the toggle, for every choice and system setting', () => {
    for (const stored of ['system', 'light', 'dark', null, 'garbage']) {
      for (const systemDark of [false, true]) {
        expect(runHeadScript(stored, systemDark), `${stored} / system dark ${systemDark}`).toBe(isDarkTheme(parseThemeChoice(stored), systemDark));
      }
    }
    expect(runHeadScript('dark', false)).toBe(true);
    expect(runHeadScript('light', true)).toBe(false);
    expect(runHeadScript(null, true)).toBe(true);
  });

  it('follows the system when storage is refused', () => {
    expect(runHeadScript(new Error('SecurityError'), true)).toBe(true);
    expect(runHeadScript(new Error('SecurityError'), false)).toBe(false);
  });
});
