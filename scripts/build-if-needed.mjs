// `npm start` builds the portal only when a source file is newer than the last build, so a
// restart is instant and a fresh clone still gets a production build.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const SOURCES = ['app', 'components', 'lib', 'trpc', 'server', 'public', 'next.config.js', 'package.json', 'postcss.config.mjs'];
const SKIP = new Set(['node_modules', '.next', 'generated', '.data', 'test-results']);

function newest(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const entry of readdirSync(p)) {
    if (SKIP.has(entry)) continue;
    max = Math.max(max, newest(path.join(p, entry)));
  }
  return max;
}

// The same build folder as next.config.js (SIGNET_NEXT_DIST_DIR: the deprecated name).
const buildId = path.join(process.env.SP_NEXT_DIST_DIR || process.env.SIGNET_NEXT_DIST_DIR || '.next', 'BUILD_ID');
const built = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
if (Math.max(...SOURCES.map(newest)) > built) {
  console.log('[signet] building the portal (next build)…');
  execSync('npx next build', { stdio: 'inherit' });
} else {
  console.log('[signet] portal build is up to date');
}
