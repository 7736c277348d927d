// The compiled form of a command-line tool (scripts/build-bins.mjs), when it is up to date.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIR = path.join(ROOT, '.bin-build');

/**
 * The URL of <dir>/<name>.mjs (dir: .bin-build) if it exists and no source it was built from
 * changed since the build began; null otherwise (never built, or stale after an edit or a checkout).
 */
export function compiledBin(name, dir = DIR) {
  try {
    const { started, inputs } = JSON.parse(readFileSync(path.join(dir, 'inputs.json'), 'utf8'));
    const file = path.join(dir, `${name}.mjs`);
    statSync(file);
    if (inputs.some((input) => statSync(path.join(ROOT, input)).mtimeMs > started)) return null;
    return pathToFileURL(file).href;
  } catch {
    return null;
  }
}
