// Chart series colours hold ≥ 3:1 against the card behind the chart in both themes (WCAG 1.4.11,
// non-text contrast), read from the CSS variables the charts use.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHART_SERIES } from '@/components/chart-theme';

const root = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

/** The custom properties declared in the first rule for `selector` in app/globals.css. */
function variables(selector: string): Map<string, string> {
  const css = read('app/globals.css');
  const start = css.indexOf(`${selector} {`);
  expect(start, `${selector} rule`).toBeGreaterThanOrEqual(0);
  const body = css.slice(start, css.indexOf('}', start));
  return new Map([...body.matchAll(/(--[\w-]+):\s*([^;]+);/g)].map((m) => [m[1]!, m[2]!.trim()]));
}

/** WCAG relative luminance of #rrggbb. */
function luminance(hex: string): number {
  const channels = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex)!.slice(1).map((c) => parseInt(c, 16) / 255);
  const [r, g, b] = channels.map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

// Charts sit in <Card>: bg-white, dark:bg-slate-900.
const backgrounds = { light: { selector: ':root', colour: '#ffffff' }, dark: { selector: '.dark', colour: '#0f172a' } };

describe('chart series colours', () => {
  it('computes contrast as WCAG does', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });

  it('sit on the card background the test assumes', () => {
    expect(read('components/ui.tsx')).toMatch(/export function Card\([^]*?<section className=\{cx\('[^']*\bbg-white dark:bg-slate-900\b/);
  });

  for (const [theme, background] of Object.entries(backgrounds)) {
    it(`hold at least 3:1 against the ${theme} chart background`, () => {
      const vars = variables(background.selector);
      for (const [name, reference] of Object.entries(CHART_SERIES)) {
        const variable = /^var\((--[\w-]+)\)$/.exec(reference)![1]!;
        const value = vars.get(variable);
        expect(value, `${variable} in ${background.selector}`).toMatch(/^#[0-9a-f]{6}$/i);
        expect(contrast(value!, background.colour), `${name} (${value}) on ${background.colour}`).toBeGreaterThanOrEqual(3);
      }
    });
  }

  it('are the only colours the chart components give their series', () => {
    for (const file of ['app/admin/kpis/kpi-charts.tsx', 'app/dashboard/daily-usage-chart.tsx', 'app/dashboard/billing/usage-history-chart.tsx', 'app/dashboard/overview-dashboard.tsx']) {
      expect(read(file), file).not.toMatch(/(fill|stroke|color)=["'{]*#[0-9a-f]{3,8}/i);
    }
  });
});
