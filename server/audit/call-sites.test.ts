// Audit entries commit with their change (server/db/transaction.ts). The types do most of the
// work: `audit` takes a transaction client first, and neither global client is one (Tx's brand,
// SqlTransaction's `inTransaction`). This scan catches what types cannot: an entry written
// around `audit` (auditLog.create, INSERT INTO audit_log), a call whose first argument is not
// the enclosing transaction's `tx`, and a cast that would smuggle the global client in.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Database } from '../db';
import type { SqlTransaction } from '../db/sql';
import type { Tx } from '../db/transaction';
import type { audit } from './log';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SOURCE_DIRS = ['api', 'app', 'lib', 'scripts', 'server', 'trpc'];
// The writer itself, and the one place a client becomes a Tx (its comment names the bad call).
const EXEMPT = ['server/audit/log.ts', 'server/db/transaction.ts'];

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' || entry.name === 'node_modules' ? [] : sourceFiles(rel);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [rel] : [];
  });
}

/** Every way a source file can write the audit log other than `audit(tx, …)`, with its line. */
function strayAuditWrites(source: string): string[] {
  const found: string[] = [];
  const lineOf = (index: number) => source.slice(0, index).split('\n').length;
  for (const m of source.matchAll(/(?<![\w.$])audit\s*\(\s*([^,]*)/g)) {
    if (/function\s+$/.test(source.slice(Math.max(0, m.index - 10), m.index))) continue;
    if (m[1]!.trim() !== 'tx') found.push(`line ${lineOf(m.index)}: audit(${m[1]!.trim()}, …) is not given the transaction \`tx\``);
  }
  for (const m of source.matchAll(/\bauditLog\s*\.\s*(create|createMany|createManyAndReturn|upsert|update|updateMany)\b/g)) {
    found.push(`line ${lineOf(m.index)}: auditLog.${m[1]} writes around audit()`);
  }
  for (const m of source.matchAll(/INSERT\s+INTO\s+"?audit_log\b/gi)) found.push(`line ${lineOf(m.index)}: INSERT INTO audit_log writes around audit()`);
  for (const m of source.matchAll(/\bas\s+(unknown\s+as\s+)?(Tx|SqlTransaction)\b/g)) found.push(`line ${lineOf(m.index)}: a cast to ${m[2]} defeats the transaction check`);
  for (const m of source.matchAll(/\baudit\s+as\s+\w+/g)) found.push(`line ${lineOf(m.index)}: audit imported under another name escapes this scan`);
  return found;
}

describe('audit call sites', () => {
  // Checked by tsc (npx tsc --noEmit -p .): neither global client is accepted where audit wants its transaction.
  it('takes a transaction client, never a global one', () => {
    type First = Parameters<typeof audit>[0];
    expectTypeOf<Database['prisma']>().not.toExtend<First>();
    expectTypeOf<Database['sql']>().not.toExtend<First>();
    expectTypeOf<Tx>().toExtend<First>();
    expectTypeOf<SqlTransaction>().toExtend<First>();
  });

  it('recognises each way around the transaction', () => {
    expect(strayAuditWrites(`await audit(ctx.actor, 'apikey.create');`)).toHaveLength(1);
    expect(strayAuditWrites(`await audit(prisma(), actor, 'x');`)).toHaveLength(1);
    expect(strayAuditWrites(`await audit(\n  getDatabase().sql,\n  actor, 'x');`)).toEqual([expect.stringMatching(/^line 1: audit\(getDatabase\(\)\.sql,/)]);
    expect(strayAuditWrites(`await prisma().auditLog.create({ data });`)).toHaveLength(1);
    expect(strayAuditWrites(`await sql.query('INSERT INTO audit_log (action) VALUES ($1)', [a]);`)).toHaveLength(1);
    expect(strayAuditWrites(`await audit(prisma() as unknown as Tx, actor, 'x');`)).toHaveLength(2);
    expect(strayAuditWrites(`import { audit as record } from '../audit/log';`)).toHaveLength(1);
    expect(strayAuditWrites(`await inTransaction(async (tx) => {\n  await audit(tx, actor, 'x');\n});\nexport async function audit(tx: Tx) {}`)).toEqual([]);
    expect(strayAuditWrites(`const rows = await tx.auditLog.findMany(); auditLedger(sql);`)).toEqual([]);
  });

  it('every audit entry in the product is written by audit(tx, …) inside its change’s transaction', () => {
    const files = SOURCE_DIRS.flatMap(sourceFiles);
    expect(files).toContain('trpc/routers/api-keys.ts');
    const stray = files.filter((file) => !EXEMPT.includes(file)).flatMap((file) => strayAuditWrites(readFileSync(path.join(ROOT, file), 'utf8')).map((problem) => `${file} ${problem}`));
    expect(stray).toEqual([]);
    // What the types guarantee, kept: the writer takes a transaction client first.
    expect(readFileSync(path.join(ROOT, EXEMPT[0]!), 'utf8')).toMatch(/export async function audit\(tx: Tx \| SqlTransaction,/);
  });
});
