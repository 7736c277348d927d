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

// Layering: server/ is the domain and knows nothing of the portal (app/, components/, trpc/) or
// the HTTP API (api/). The portal's browser code reaches the server through tRPC; of server/ it
// may import types, and by name the isomorphic verifiers that the CLI and the browser share.
// Tested in tests/lint/layering.test.ts.
const FROM = String.raw`^(?:@/|(?:\.\./)+)`;
const SERVER_IMPORTS_NO_CALLERS = {
  patterns: [{ regex: `${FROM}(?:app|components|trpc|api)(?:/|$)`, message: 'server/ is the domain: it imports nothing from app/, components/, trpc/ or api/.' }],
};
const ISOMORPHIC = String.raw`(?:receipts/(?:verify|verify-native|canonical|strict-json)|transparency/[\w-]+|usage-proof/verify)`;
const PORTAL_IMPORTS_NO_SERVER = {
  patterns: [
    {
      regex: `${FROM}server/(?!${ISOMORPHIC}$)`,
      allowTypeImports: true,
      message: 'The portal reaches server code through trpc/ or lib/; only types and the shared verifiers (server/receipts/verify…, server/transparency/*, server/usage-proof/verify) are imported directly.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', '.next/', '.data/', 'server/db/generated/', 'test-results/', 'playwright-report/', 'next-env.d.ts', 'bench-results/', '.next-*/', '.reliability/', '.reports/', '.bin-build/'] },
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
  { files: ['server/**'], rules: { 'no-restricted-imports': ['error', SERVER_IMPORTS_NO_CALLERS] } },
  { files: ['app/**', 'components/**'], rules: { 'no-restricted-imports': ['error', PORTAL_IMPORTS_NO_SERVER] } },
  {
    // Next's server entry points: route handlers, and the root layout and pages, which render on
    // the server only (none is a client component) and load their data there, before any tRPC
    // client exists. Their client components, in sibling files, stay under the rule above.
    files: ['app/**/route.ts', 'app/**/page.tsx', 'app/layout.tsx'],
    rules: { 'no-restricted-imports': 'off' },
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
