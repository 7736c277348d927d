import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ENV_MESSAGE = 'Read configuration through server/config.ts (loadConfig), where every variable is declared and validated.';
const ENV_IMPORT = { selector: "ImportDeclaration[source.value=/^(node:)?process$/] > ImportSpecifier[imported.name='env']", message: ENV_MESSAGE };
// Errors are AppErrors (server/errors.ts), mapped to tRPC once, in trpc/init.ts.
const TRPC_ERROR_MESSAGE = 'Throw an AppError (server/errors.ts); trpc/init.ts maps it to tRPC once.';
const TRPC_ERRORS = [
  { selector: "ImportSpecifier[imported.name='TRPCError']", message: TRPC_ERROR_MESSAGE },
  { selector: "NewExpression[callee.name='TRPCError']", message: TRPC_ERROR_MESSAGE },
];

export default tseslint.config(
  { ignores: ['node_modules/', '.next/', '.data/', 'server/db/generated/', 'test-results/', 'playwright-report/', 'next-env.d.ts', 'bench-results/', '.next-*/', '.reliability/', '.reports/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', globalThis: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-undef': 'off',
      // Every environment variable is read and validated in server/config.ts (tested in
      // tests/config/lint-rule.test.ts).
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: ENV_MESSAGE }],
      'no-restricted-syntax': ['error', ENV_IMPORT, ...TRPC_ERRORS],
    },
  },
  {
    // The one place AppErrors become TRPCErrors.
    files: ['trpc/init.ts'],
    rules: { 'no-restricted-syntax': ['error', ENV_IMPORT] },
  },
  {
    // Exempt: the configuration module itself, and code that runs before or outside a Signet
    // process: tool configs loaded by Next, Vitest and Playwright; CLI entry points and scripts;
    // tests and e2e specs, which set up the environment of the servers they start (and may
    // inspect the TRPCErrors a server-side caller throws).
    files: ['server/config.ts', 'next.config.js', 'playwright.config.ts', 'vitest*.config.ts', 'bin/**', 'scripts/**', 'tests/**', 'e2e/**', '**/*.test.ts', '**/*.test.tsx'],
    rules: { 'no-restricted-properties': 'off', 'no-restricted-syntax': 'off' },
  },
);
