// `npm run lighthouse`: Lighthouse 12.2.3 (later versions need Node 22), default mobile profile,
// against a running Signet (`npm start`), signed in as the demo users; prints one row per page.
// A benchmark, not a CI gate. Lighthouse is fetched by npx on first use, not a project dependency.
// Each page is measured LIGHTHOUSE_RUNS times (default 3) and the row is the run of median
// performance score, with every run's score beside it: a single Lighthouse run of the same page
// moves by several points (Lighthouse's own advice is the median of several runs).
// Arguments: page paths to measure only those (`npm run lighthouse -- /dashboard /admin`); none: every page.
// Env: LIGHTHOUSE_URL (default http://localhost:8088), SP_DEMO_PASSWORD (the demo users' password; SIGNET_DEMO_PASSWORD, the deprecated name, still works).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const base = (process.env.LIGHTHOUSE_URL ?? 'http://localhost:8088').replace(/\/$/, '');
const password = process.env.SP_DEMO_PASSWORD || process.env.SIGNET_DEMO_PASSWORD;
if (!password) {
  console.error('Set SP_DEMO_PASSWORD to the demo users\' password (printed by the first npm start).');
  process.exit(2);
}

/** A next-auth session cookie for `email`, as the sign-in form gets one. */
async function sessionCookie(email: string): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const jar = csrf.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar },
    body: new URLSearchParams({ csrfToken, email, password: password!, json: 'true' }),
  });
  const session = res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.includes('session-token'));
  if (!session) throw new Error(`could not sign in as ${email} (HTTP ${res.status})`);
  return session;
}

const allPages: { path: string; as: string | null }[] = [
  { path: '/signin', as: null },
  { path: '/signup', as: null },
  { path: '/dashboard', as: 'owner@demo.signet.local' },
  { path: '/dashboard/keys', as: 'owner@demo.signet.local' },
  { path: '/dashboard/receipts', as: 'owner@demo.signet.local' },
  { path: '/dashboard/billing', as: 'owner@demo.signet.local' },
  { path: '/auditor', as: 'auditor@signet.local' },
  { path: '/admin', as: 'admin@signet.local' },
];
const wanted = process.argv.slice(2);
const unknown = wanted.filter((p) => !allPages.some((page) => page.path === p));
if (unknown.length > 0) {
  console.error(`Not a measured page: ${unknown.join(', ')} (pages: ${allPages.map((p) => p.path).join(', ')})`);
  process.exit(2);
}
const pages = wanted.length > 0 ? allPages.filter((p) => wanted.includes(p.path)) : allPages;

const runs = Number(process.env.LIGHTHOUSE_RUNS ?? 3);
if (!Number.isInteger(runs) || runs < 1) {
  console.error('LIGHTHOUSE_RUNS must be a positive integer');
  process.exit(2);
}
const dir = mkdtempSync(path.join(tmpdir(), 'signet-lighthouse-'));
const cookies = new Map<string, string>();
const rows: string[][] = [];
type Report = { categories: Record<string, { score: number }>; audits: Record<string, { numericValue?: number }> };
const score = (report: Report, id: string) => Math.round((report.categories[id]?.score ?? 0) * 100);
const ms = (report: Report, id: string) => `${Math.round(report.audits[id]?.numericValue ?? 0).toLocaleString('en-US')} ms`;

async function measure(page: (typeof pages)[number], n: number): Promise<Report> {
  const out = path.join(dir, `${page.path.replaceAll('/', '_') || 'root'}-${n}.json`);
  const args = ['--yes', 'lighthouse@12.2.3', `${base}${page.path}`, '--quiet', '--output=json', `--output-path=${out}`, '--only-categories=performance,accessibility,best-practices',
    `--chrome-path=${process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'}`, '--chrome-flags=--headless=new --no-sandbox --disable-gpu'];
  if (page.as) args.push(`--extra-headers=${JSON.stringify({ Cookie: cookies.get(page.as) })}`);
  await run('npx', args, { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(readFileSync(out, 'utf8')) as Report;
}

for (const page of pages) {
  if (page.as && !cookies.has(page.as)) cookies.set(page.as, await sessionCookie(page.as));
  const reports: Report[] = [];
  for (let n = 0; n < runs; n++) reports.push(await measure(page, n));
  const byScore = [...reports].sort((a, b) => score(a, 'performance') - score(b, 'performance'));
  const median = byScore[Math.floor((byScore.length - 1) / 2)]!;
  const all = reports.map((r) => score(r, 'performance')).join(', ');
  rows.push([page.path, String(score(median, 'performance')), all, String(score(median, 'accessibility')), String(score(median, 'best-practices')), ms(median, 'total-blocking-time'), ms(median, 'largest-contentful-paint')]);
  console.error(`measured ${page.path}: performance ${all}`);
}

const header = ['page', 'performance (median run)', 'every run', 'accessibility', 'best practices', 'TBT', 'LCP'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
for (const row of rows) console.log(line(row));
