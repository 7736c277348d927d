// signet-verify's transparency-log flags, run as the real CLI against bundles from the naive log.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwksOf, signedBundle, signedChain, testSigner } from '../receipts/fixtures';
import { NaiveLog, naiveKey } from './testing/naive-log';

const BIN = fileURLToPath(new URL('../../bin/signet-verify.js', import.meta.url));
const signer = testSigner();
const chain = signedChain(3, signer);
const bundle = signedBundle(chain, signer);
const w1 = naiveKey('witness.one/w', 0x04, 11);
const w2 = naiveKey('witness.two/w', 0x04, 12);
const log = new NaiveLog('signet.test/v1/log', [w1, w2]);
for (let i = 0; i < 4; i++) log.tree.append(`sha256:${String(i).repeat(64)}`);
for (const r of chain.slice(0, 2)) log.tree.append(r.receipt_hash);
const earlier = log.size;
log.tree.append(chain[2]!.receipt_hash);
log.tree.append(`sha256:${'9'.repeat(64)}`);

function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }));
  });
}

describe('signet-verify with a transparency log', () => {
  let dir: string;
  let server: Server;
  let base: string;
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  let jwks: string;
  const witnesses = ['--witness', w1.vkey, '--witness', w2.vkey];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'signet-verify-log-'));
    jwks = file('jwks.json', jwksOf(signer));
    server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      if (url.pathname === '/v1/log/key') return res.writeHead(200).end(`${log.key.vkey}\n`);
      if (url.pathname === '/v1/log/proof/consistency') {
        return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(log.consistencyProof(Number(url.searchParams.get('from')), Number(url.searchParams.get('to')))));
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/log`;
  });
  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports each hop included, the checkpoint verified and cosigned by 2 of 2 witnesses', async () => {
    const r = await run(file('b.json', { ...bundle, log: log.bundleLog(chain) }), '--jwks', jwks, '--log-key', file('log.vkey', log.key.vkey), ...witnesses);
    expect(r.stdout).toMatch(/hop 1\s+included at index 4/);
    expect(r.stdout).toMatch(/hop 3\s+included at index 6/);
    expect(r.stdout).toContain(`checkpoint verified (key signet.test/v1/log+${log.key.keyId.toString('hex')})`);
    expect(r.stdout).toContain('cosigned by 2 of 2 required witness(es): witness.one/w at 2026-09-21T14:13:20Z, witness.two/w at 2026-09-21T14:13:20Z');
    expect(r.stdout.trim().split('\n').at(-1)).toBe('VALID');
    expect(r.code).toBe(0);
  });

  it('says a bundle without log was not checked against the log', async () => {
    const r = await run(file('plain.json', bundle), '--jwks', jwks, '--log-key', file('log.vkey', log.key.vkey));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('log: not checked against the transparency log (the bundle has no log field)');
  });

  it('shows a hop not yet in the log, and exits 1 for a tampered proof', async () => {
    const partial = await run(file('p.json', { ...bundle, log: log.bundleLog(chain, earlier) }), '--jwks', jwks, '--log-key', file('log.vkey', log.key.vkey));
    expect(partial.stdout).toMatch(/hop 3\s+not yet in the log/);
    expect(partial.code).toBe(0);
    const l = log.bundleLog(chain);
    l.proofs[0]!.hashes[0] = Buffer.alloc(32).toString('base64');
    const r = await run(file('t.json', { ...bundle, log: l }), '--jwks', jwks, '--log-key', file('log.vkey', log.key.vkey));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/hop 1\s+INCLUSION INVALID: inclusion proof at index 4/);
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^INVALID: INCLUSION_INVALID: hop 1:/);
  });

  it('fetches the consistency proof from the log and accepts a consistent newer checkpoint', async () => {
    const trusted = file('earlier.checkpoint', log.checkpoint(earlier));
    const r = await run(file('b.json', { ...bundle, log: log.bundleLog(chain) }), '--jwks', jwks, '--log-key', `${base}/key`, '--trusted-checkpoint', trusted);
    expect(r.stdout).toContain(`consistent with the last seen checkpoint (signet.test/v1/log size ${earlier} root`);
    expect(r.code).toBe(0);
  });

  it('exits 3 and shows both heads for a fork', async () => {
    const forked = new NaiveLog('signet.test/v1/log', [w1, w2]);
    for (let i = 0; i < log.size; i++) forked.tree.append(`sha256:${'f'.repeat(63)}${i}`);
    const trusted = file('forked.checkpoint', forked.checkpoint());
    const r = await run(file('b.json', { ...bundle, log: log.bundleLog(chain) }), '--jwks', jwks, '--log-key', file('log.vkey', log.key.vkey), '--trusted-checkpoint', trusted);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('FORK: the log signed two inconsistent checkpoints (two different roots for the same size 8)');
    expect(r.stdout).toContain(`seen earlier: signet.test/v1/log size 8 root ${forked.tree.root().toString('base64')}`);
    expect(r.stdout).toContain(`this bundle:  signet.test/v1/log size 8 root ${log.tree.root().toString('base64')}`);
    // A smaller earlier checkpoint of another history: the saved proof does not lead to it.
    const early = file('early.checkpoint', forked.checkpoint(earlier));
    const proof = file('proof.json', log.consistencyProof(earlier, log.size));
    const r2 = await run(file('b.json', { ...bundle, log: log.bundleLog(chain) }), '--jwks', jwks, '--log-key', file('log.vkey', log.key.vkey), '--trusted-checkpoint', early, '--consistency-proof', proof);
    expect(r2.code).toBe(3);
    expect(r2.stdout.trim().split('\n').at(-1)).toMatch(/^FORK: LOG_FORK: fork: the checkpoint seen earlier \(size 6/);
  });

  it('exits 2 for a bad witness policy or an unreachable proof', async () => {
    const bad = await run(file('b.json', bundle), '--jwks', jwks, '--witness', w1.vkey, '--witnesses-required', '2');
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringMatching(/--witnesses-required 2: must be a whole number no larger than the 1/) });
    const r = await run(file('b.json', { ...bundle, log: log.bundleLog(chain) }), '--jwks', jwks, '--trusted-checkpoint', file('e.checkpoint', log.checkpoint(earlier)));
    expect(r).toMatchObject({ code: 2, stderr: expect.stringMatching(/a consistency proof from size 6 to 8 is needed/) });
  });
});
