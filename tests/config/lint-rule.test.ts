// ESLint keeps environment reads in server/config.ts: anywhere else in the app, process.env
// (read, written or destructured) and `import { env } from 'node:process'` are errors.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function envErrors(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-properties' || m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

const READS = [
  'export const port = process.env.PORT;\n',
  "export const port = process.env['PORT'];\n",
  'const { env } = process;\nexport const port = env.PORT;\n',
  "import { env } from 'node:process';\nexport const port = env.PORT;\n",
  "process.env.NEXTAUTH_SECRET = 'x';\n",
];

describe('the process.env lint rule', () => {
  it.each(['server/exchange/example.ts', 'api/routes/example.ts', 'app/example/page.tsx', 'trpc/routers/example.ts', 'proxy.ts', 'server.ts'])('refuses environment reads in %s', async (file) => {
    for (const code of READS) expect(await envErrors(code, file), code).toEqual([expect.stringContaining('server/config.ts')]);
  });

  it.each(['server/config.ts', 'scripts/example.ts', 'tests/support/example.ts', 'server/example.test.ts', 'e2e/example.spec.ts', 'playwright.config.ts', 'next.config.js'])('allows them in %s', async (file) => {
    for (const code of READS) expect(await envErrors(code, file), code).toEqual([]);
  });
});
