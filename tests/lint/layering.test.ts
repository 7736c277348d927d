// ESLint keeps the layers apart (eslint.config.js): server/ imports nothing from the portal or
// the HTTP API; the portal's browser code imports only types from server/, and by name the
// verifiers it shares with the CLI; Next's server entry points are exempt.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function layeringErrors(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const use = (specifier: string) => `import { thing } from '${specifier}';\nexport const used = thing;\n`;
const useType = (specifier: string) => `import type { Thing } from '${specifier}';\nexport type Used = Thing;\n`;

describe('the layering lint rule', () => {
  it.each(['@/app/dashboard/page', '@/components/ui', '@/trpc/init', '@/api/errors', '../../trpc/init'])('refuses server/ importing %s, types included', async (specifier) => {
    for (const code of [use(specifier), useType(specifier)]) expect(await layeringErrors(code, 'server/billing/example.ts'), code).toEqual([expect.stringContaining('server/ is the domain')]);
  });

  it('lets server/ import its own modules and lib/', async () => {
    for (const specifier of ['@/server/errors', '../db', '@/lib/money']) expect(await layeringErrors(use(specifier), 'server/billing/example.ts'), specifier).toEqual([]);
  });

  it.each([
    ['app/dashboard/example.tsx', '@/server/tenants/team'],
    ['app/dashboard/example.tsx', '@/server/config'],
    ['app/auditor/example.ts', '@/server/receipts/build'],
    ['app/auditor/example.ts', '@/server/transparency/testing/fixtures'],
    ['components/example.tsx', '@/server/billing/rating'],
    ['components/example.tsx', '../server/usage-proof/repository'],
  ])('refuses %s importing server runtime code (%s)', async (file, specifier) => {
    expect(await layeringErrors(use(specifier), file)).toEqual([expect.stringContaining('reaches server code through trpc/ or lib/')]);
  });

  it.each([
    ['app/dashboard/example.tsx', useType('@/server/tenants/team')],
    ['components/example.tsx', 'import { type Money } from \'@/server/billing/rating\';\nexport type M = Money;\n'],
    ['app/auditor/example.ts', use('@/server/receipts/verify')],
    ['app/auditor/example.ts', use('@/server/receipts/verify-native')],
    ['app/auditor/example.ts', use('@/server/receipts/canonical')],
    ['app/auditor/example.ts', use('@/server/receipts/strict-json')],
    ['app/auditor/example.ts', use('@/server/transparency/verify-log')],
    ['app/auditor/example.ts', use('@/server/transparency/note')],
    ['app/dashboard/billing/example.ts', use('@/server/usage-proof/verify')],
    ['app/dashboard/example.tsx', use('@/lib/money')],
    ['app/dashboard/example.tsx', use('@/trpc/init')],
  ])('allows %s: %s', async (file, code) => {
    expect(await layeringErrors(code, file)).toEqual([]);
  });

  it.each(['app/admin/kpis/page.tsx', 'app/layout.tsx', 'app/api/trpc/[trpc]/route.ts'])('exempts the Next server entry point %s', async (file) => {
    expect(await layeringErrors(use('@/server/kpis/repository'), file)).toEqual([]);
  });

  it('keeps the exemption to those files: a layout below the root, a component beside a page', async () => {
    for (const file of ['app/dashboard/layout.tsx', 'app/admin/kpis/kpi-charts.tsx']) expect(await layeringErrors(use('@/server/kpis/repository'), file), file).toHaveLength(1);
  });
});
