// bin/*.js run the compiled tools (scripts/build-bins.mjs) only while no source is newer than the build.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compiledBin } from '../../bin/compiled.js';

describe('compiledBin', () => {
  it('gives the compiled file while it is up to date, and null when missing or stale', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'compiled-bin-'));
    const source = 'server/version.ts';
    expect(compiledBin('signet-verify', dir)).toBeNull();
    await writeFile(join(dir, 'signet-verify.mjs'), 'export const main = () => 0;');
    expect(compiledBin('signet-verify', dir)).toBeNull();
    await writeFile(join(dir, 'inputs.json'), JSON.stringify({ started: Date.now() + 60_000, inputs: [source] }));
    expect(compiledBin('signet-verify', dir)).toBe(pathToFileURL(join(dir, 'signet-verify.mjs')).href);
    expect(compiledBin('signet-witness', dir)).toBeNull();
    // A source modified after the build began.
    await writeFile(join(dir, 'inputs.json'), JSON.stringify({ started: 0, inputs: [source] }));
    expect(compiledBin('signet-verify', dir)).toBeNull();
    await writeFile(join(dir, 'inputs.json'), JSON.stringify({ started: Date.now() + 60_000, inputs: [source, 'server/no-such-file.ts'] }));
    expect(compiledBin('signet-verify', dir)).toBeNull();
  });
});
