// The shipped witness, run as `signet-witness`, checked against an independent implementation of
// cosignature/v1 (node:crypto, message and key id built by hand) and the naive log of testing/.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointText, NaiveLog, noteSignatureLine } from '../transparency/testing/naive-log';

const BIN = fileURLToPath(new URL('../../bin/signet-witness.js', import.meta.url));
const ORIGIN = 'signet.test/v1/log';
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

interface Running {
  child: ChildProcessWithoutNullStreams;
  vkey: string;
  url: string;
}

function start(dir: string, ...extra: string[]): Promise<Running> {
  const child = spawn(process.execPath, [BIN, '--listen', '127.0.0.1:0', '--data', dir, ...extra]);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stderr.on('data', (d: Buffer) => reject(new Error(d.toString())));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const lines = out.split('\n');
      if (lines.length >= 3) resolve({ child, vkey: lines[0]!, url: `http://${/listening on http:\/\/(\S+)/.exec(lines[1]!)![1]}` });
    });
  });
}

function stop(r: Running): Promise<void> {
  return new Promise((resolve) => {
    r.child.once('exit', () => resolve());
    r.child.kill('SIGTERM');
  });
}

/** The independent check: key id, message and signature of a cosignature/v1 line, by hand. */
function checkCosignature(vkey: string, line: string, text: string): number {
  const [name, id, key] = [vkey.split('+')[0]!, vkey.split('+')[1]!, vkey.split('+').slice(2).join('+')];
  const raw = Buffer.from(key, 'base64');
  expect(raw[0]).toBe(0x04);
  expect(createHash('sha256').update(Buffer.concat([Buffer.from(`${name}\n`), raw])).digest().subarray(0, 4).toString('hex')).toBe(id);
  const match = /^— (\S+) (\S+)\n$/.exec(line)!;
  expect(match[1]).toBe(name);
  const sig = Buffer.from(match[2]!, 'base64');
  expect(sig.length).toBe(4 + 8 + 64);
  expect(sig.subarray(0, 4).toString('hex')).toBe(id);
  const time = Number(sig.readBigUInt64BE(4));
  const publicKey = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw.subarray(1)]), format: 'der', type: 'spki' });
  expect(verify(null, Buffer.from(`cosignature/v1\ntime ${time}\n${text}`), publicKey, sig.subarray(12))).toBe(true);
  return time;
}

const add = (url: string, body: string) => fetch(`${url}/add-checkpoint`, { method: 'POST', body });
const request = (old: number, proof: Buffer[], checkpoint: string) => `old ${old}\n${proof.map((h) => `${h.toString('base64')}\n`).join('')}\n${checkpoint}`;

describe('signet-witness', () => {
  let dir: string;
  let w: Running;
  const log = new NaiveLog(ORIGIN);
  for (let i = 0; i < 9; i++) log.tree.append(`sha256:${String(i).repeat(64)}`);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'signet-witness-'));
    w = await start(dir, '--log', log.key.vkey, '--name', 'witness.test/w1');
  });
  afterAll(async () => {
    await stop(w);
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints its vkey first and cosigns a first checkpoint; the cosignature verifies independently', async () => {
    expect(w.vkey).toMatch(/^witness\.test\/w1\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    const before = Math.floor(Date.now() / 1000);
    const res = await add(w.url, request(0, [], log.checkpoint(5)));
    expect(res.status).toBe(200);
    const line = await res.text();
    const time = checkCosignature(w.vkey, line, checkpointText(ORIGIN, 5, log.tree.root(5)));
    expect(time).toBeGreaterThanOrEqual(before);
  });

  it('answers 409 with its size when the old size is not the one it cosigned', async () => {
    const res = await add(w.url, request(0, [], log.checkpoint(6)));
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toBe('text/x.tlog.size');
    expect(await res.text()).toBe('5\n');
  });

  it('cosigns a consistent extension after checking the proof', async () => {
    const res = await add(w.url, request(5, log.tree.consistency(5, 9), log.checkpoint(9)));
    expect(res.status).toBe(200);
    checkCosignature(w.vkey, await res.text(), checkpointText(ORIGIN, 9, log.tree.root(9)));
  });

  it('refuses a rollback', async () => {
    expect((await add(w.url, request(9, [], log.checkpoint(5)))).status).toBe(400);
    const res = await add(w.url, request(5, log.tree.consistency(5, 7), log.checkpoint(7)));
    expect([res.status, await res.text()]).toEqual([409, '9\n']);
  });

  it('refuses a fork: another history under the same log key, at the same size or beyond', async () => {
    const fork = new NaiveLog(ORIGIN);
    for (let i = 0; i < 12; i++) fork.tree.append(`sha256:${String(i === 7 ? 'f' : i % 10).repeat(64)}`);
    const sameSize = await add(w.url, request(9, [], fork.checkpoint(9)));
    expect(sameSize.status).toBe(422);
    expect(await sameSize.text()).toMatch(/^conflicting head: size 9 was cosigned with root/);
    const beyond = await add(w.url, request(9, fork.tree.consistency(9, 12), fork.checkpoint(12)));
    expect(beyond.status).toBe(422);
    expect(await beyond.text()).toMatch(/^consistency proof from 9 to 12: proof leads to old root/);
  });

  it('answers 404 for an unknown log, 403 for a bad or missing log signature, 422 for a bad proof, 400 for garbage', async () => {
    const other = new NaiveLog('other.test/v1/log');
    other.tree.append('x');
    expect((await add(w.url, request(0, [], other.checkpoint(1)))).status).toBe(404);
    const impostor = new NaiveLog(ORIGIN, [], 0x77);
    impostor.tree.append('x');
    expect((await add(w.url, request(0, [], impostor.checkpoint(1)))).status).toBe(403);
    const text = checkpointText(ORIGIN, 10, log.tree.root(9));
    const forged = `${text}\n${noteSignatureLine(log.key, text).replace(/.{6}=\n$/, 'AAAAAA=\n')}`;
    expect((await add(w.url, request(9, [], forged))).status).toBe(403);
    log.tree.append('sha256:' + 'a'.repeat(64));
    const proof = log.tree.consistency(9, 10);
    proof[0] = Buffer.alloc(32);
    expect((await add(w.url, request(9, proof, log.checkpoint(10)))).status).toBe(422);
    expect((await add(w.url, 'hello')).status).toBe(400);
  });

  it('keeps its key and state across a restart, and serves the latest cosigned checkpoint to monitors', async () => {
    await stop(w);
    w = await start(dir, '--log', log.key.vkey);
    expect(w.vkey.startsWith('witness.test/w1+')).toBe(true);
    const res = await add(w.url, request(0, [], log.checkpoint(10)));
    expect([res.status, await res.text()]).toEqual([409, '9\n']);
    const monitor = await fetch(`${w.url}/${createHash('sha256').update(ORIGIN).digest('hex')}/checkpoint`);
    expect(monitor.status).toBe(200);
    const served = await monitor.text();
    const text = checkpointText(ORIGIN, 9, log.tree.root(9));
    expect(served.startsWith(`${text}\n${noteSignatureLine(log.key, text)}`)).toBe(true);
    checkCosignature(w.vkey, served.split('\n').slice(-2).join('\n'), text);
  });
});
