// Compiles the command-line tools to plain JavaScript in .bin-build/ (git-ignored), so they start
// without tsx (its TypeScript loader costs ~0.7 s of CPU at every start). Run by `npm run
// generate` (so by postinstall and builds). bin/*.js run the compiled file only while it is newer
// than every source it was built from (.bin-build/inputs.json) and the TypeScript through tsx
// otherwise, so an edited source is never shadowed by a stale build.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const ENTRIES = {
  'signet-verify': 'server/receipts/cli.ts',
  'signet-witness': 'server/witness/server.ts',
  // The usage verifier's hashing thread (server/usage-proof/hashing-thread.ts).
  'usage-hashing-worker': 'server/usage-proof/hashing-worker.ts',
};

/** Builds every entry into `outdir`; returns the sources it read, relative to the repository. */
export async function buildBins(outdir = path.join(ROOT, '.bin-build')) {
  const started = Date.now();
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    tsconfig: 'tsconfig.json',
    metafile: true,
    logLevel: 'warning',
  });
  const inputs = Object.keys(result.metafile.inputs);
  mkdirSync(outdir, { recursive: true });
  // The sources' modification times are compared with the start of the build, not its end, so a
  // source edited while it ran counts as newer.
  writeFileSync(path.join(outdir, 'inputs.json'), JSON.stringify({ started, inputs }));
  return inputs;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const inputs = await buildBins();
    console.log(`[signet] compiled ${Object.keys(ENTRIES).join(', ')} into .bin-build/ (${inputs.length} sources)`);
  } catch (error) {
    // Not fatal to an install: the tools then run their TypeScript through tsx.
    console.error(`[signet] could not compile the command-line tools (they will run through tsx): ${error.message}`);
  }
}
