// Prints the reliability report from .reliability/figures.jsonl (one JSON line per test,
// written by tests/reliability/report.ts): per-test figures, then the totals.
import { existsSync, readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.reliability/figures.jsonl';
if (!existsSync(file)) {
  console.log(`no reliability figures (${file} is missing)`);
  process.exit(0);
}
const rows = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const COLUMNS = [
  ['requests', 'requests tried'],
  ['errors', 'errors'],
  ['status5xx', '5xx'],
  ['chainsVerified', 'chains verified'],
  ['unitsReconciled', 'units reconciled'],
  ['fuzzCases', 'fuzz cases'],
];
const fmt = (v) => (v === undefined ? '' : Number(v).toLocaleString('en-US'));
const table = [['test', 'db', ...COLUMNS.map(([, h]) => h), 'other'], ...rows.map((r) => {
  const known = new Set(['test', 'database', 'at', ...COLUMNS.map(([k]) => k)]);
  const other = Object.entries(r).filter(([k]) => !known.has(k)).map(([k, v]) => `${k}=${fmt(v)}`).join(' ');
  return [r.test, r.database, ...COLUMNS.map(([k]) => fmt(r[k])), other];
})];
const totals = Object.fromEntries(COLUMNS.map(([k]) => [k, rows.reduce((s, r) => s + (Number(r[k]) || 0), 0)]));
table.push(['TOTAL', '', ...COLUMNS.map(([k]) => fmt(totals[k])), '']);
const widths = table[0].map((_, i) => Math.max(...table.map((row) => String(row[i]).length)));
console.log('\n══ Reliability report ══');
for (const [i, row] of table.entries()) {
  console.log(row.map((cell, j) => (j >= 2 && j < 2 + COLUMNS.length ? String(cell).padStart(widths[j]) : String(cell).padEnd(widths[j]))).join('  ').trimEnd());
  if (i === 0 || i === table.length - 2) console.log(widths.map((w) => '─'.repeat(w)).join('  '));
}
