// Each reliability test appends its figures to .reliability/figures.jsonl (not under test-results/,
// which Playwright empties on every run);
// scripts/reliability-report.mjs prints them as the report.
import { appendFileSync, mkdirSync } from 'node:fs';

export const FIGURES = '.reliability/figures.jsonl';

export interface Figures {
  requests?: number;
  errors?: number;
  status5xx?: number;
  chainsVerified?: number;
  unitsReconciled?: number;
  fuzzCases?: number;
  [extra: string]: number | undefined;
}

export function recordFigures(test: string, figures: Figures): void {
  mkdirSync('.reliability', { recursive: true });
  const database = process.env.DATABASE_URL ? 'postgres' : 'pglite';
  appendFileSync(FIGURES, JSON.stringify({ test, database, at: new Date().toISOString(), ...figures }) + '\n');
}
