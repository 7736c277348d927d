// The heavier reliability suite (npm run test:reliability): fuzzing, scale-out, crashes,
// isolation and security checks. Same setup as vitest.config.ts, other files, one at a time.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

export default defineConfig({
  ...base,
  test: { ...base.test, include: ['tests/reliability/**/*.test.ts'], exclude: ['node_modules'], testTimeout: 300_000, fileParallelism: false },
});
