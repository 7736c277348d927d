// The log side of C2SP tlog-witness against a minimal in-test witness (written here from the
// spec: it checks the log signature, the old size and the consistency proof, and cosigns per
// tlog-cosignature): new checkpoints are pushed with their proofs, cosignatures are served on
// the checkpoint, a witness that is down delays nothing and catches up, a 409 is followed.
import { createHash, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@/server/config';
import { verifyConsistency } from '@/server/transparency/merkle';
import { formatVerifierKey, parseVerifierKey, SIG_ED25519, type VerifierKey } from '@/server/transparency/note';
import { startTransparencyLog } from '@/server/log/start';
import { registry } from '@/server/metrics/registry';
import { openTestDatabase, type TestDatabase } from '../support/db';

function vkeyOf(text: string): VerifierKey {
  const parsed = parseVerifierKey(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
}

interface MiniWitness {
  name: string;
  vkey: string;
  requests: string[];
  /** The status of each answer, in order. */
  statuses: number[];
  state: { size: number; root: Buffer } | null;
  listen(port?: number): Promise<number>;
  close(): Promise<void>;
  /** Never answers (a hung witness). */
  hang: boolean;
}

function miniWitness(name: string, seedByte: number, logVkey: () => string): MiniWitness {
  const priv = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, seedByte)]), format: 'der', type: 'pkcs8' });
  const pub = Buffer.from(createPublicKey(priv).export({ format: 'jwk' }).x!, 'base64url');
  const id = createHash('sha256').update(`${name}\n`).update(Uint8Array.of(4)).update(pub).digest().subarray(0, 4);
  let server: Server | null = null;
  const w: MiniWitness = {
    name,
    vkey: `${name}+${id.toString('hex')}+${Buffer.concat([Uint8Array.of(4), pub]).toString('base64')}`,
    requests: [],
    statuses: [],
    state: null,
    hang: false,
    async listen(port = 0) {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (d: Buffer) => (body += d.toString()));
        req.on('end', () => {
          if (w.hang) return;
          w.requests.push(body);
          const answer = (status: number, text: string, type = 'text/plain') => {
            w.statuses.push(status);
            res.writeHead(status, { 'content-type': type }).end(text);
          };
          const blank = body.indexOf('\n\n');
          const head = body.slice(0, blank).split('\n');
          const note = body.slice(blank + 2);
          const old = Number(/^old (\d+)$/.exec(head[0]!)![1]);
          const proof = head.slice(1).map((h) => Buffer.from(h, 'base64'));
          const split = note.lastIndexOf('\n\n');
          const text = note.slice(0, split + 1);
          const [origin, sizeLine, rootLine] = text.split('\n');
          const log = vkeyOf(logVkey());
          if (origin !== log.name) return answer(404, 'unknown log\n');
          const sigLine = note.slice(split + 2).split('\n').find((l) => l.startsWith(`— ${log.name} `));
          const sig = sigLine ? Buffer.from(sigLine.split(' ')[2]!, 'base64') : Buffer.alloc(0);
          if (sig.subarray(0, 4).toString('hex') !== log.keyId || !log.verify(sig.subarray(4), Buffer.from(text))) return answer(403, 'bad signature\n');
          const size = Number(sizeLine);
          const root = Buffer.from(rootLine!, 'base64');
          if (old > size) return answer(400, 'old > size\n');
          const have = w.state?.size ?? 0;
          if (old !== have) return answer(409, `${have}\n`, 'text/x.tlog.size');
          if (old === 0 ? proof.length > 0 : !verifyConsistency(old, size, proof, w.state!.root, root).ok) return answer(422, 'bad proof\n');
          w.state = { size, root };
          const t = BigInt(Math.floor(Date.now() / 1000));
          const ts = Buffer.alloc(8);
          ts.writeBigUInt64BE(t);
          const cosig = sign(null, Buffer.from(`cosignature/v1\ntime ${t}\n${text}`), priv);
          answer(200, `— ${name} ${Buffer.concat([id, ts, cosig]).toString('base64')}\n`);
        });
      });
      await new Promise<void>((r) => server!.listen(port, '127.0.0.1', r));
      return (server.address() as AddressInfo).port;
    },
    async close() {
      server?.closeAllConnections();
      await new Promise((r) => server?.close(r));
    },
  };
  return w;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

let db: TestDatabase;
let n = 0;
async function commitReceipts(count: number) {
  const trace = `tr-w-${++n}`;
  await db.sql.query(`INSERT INTO tenants (id, name, plan_id) VALUES ('w', 'w', NULL) ON CONFLICT DO NOTHING`);
  await db.sql.query(`INSERT INTO traces (id, tenant_id, head_hop, head_hash) VALUES ($1, 'w', $2, 'sha256:x')`, [trace, count]);
  for (let hop = 1; hop <= count; hop++) {
    const h = `sha256:${createHash('sha256').update(`${trace}/${hop}`).digest('hex')}`;
    await db.sql.query(`INSERT INTO receipts (trace_id, hop, tenant_id, receipt_hash, payload_type, target_type, cid, created_at, body) VALUES ($1, $2, 'w', $3, 'p', 't', $3, now(), '{}')`, [trace, hop, h]);
  }
}

async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const counter = async (witness: string, outcome: string) =>
  (await registry.getSingleMetric('signet_log_witness_cosignatures_total')!.get()).values.find((v) => v.labels.witness === witness && v.labels.outcome === outcome)?.value ?? 0;

describe('witness push (log side of tlog-witness)', () => {
  let logVkey = '';
  const a = miniWitness('witness.a.example/w', 1, () => logVkey);
  const b = miniWitness('witness.b.example/w', 2, () => logVkey);
  const hung = miniWitness('witness.h.example/w', 3, () => logVkey);
  let bPort = 0;
  let log: Awaited<ReturnType<typeof startTransparencyLog>>;
  let servedCheckpoint: () => Promise<string>;

  beforeAll(async () => {
    db = await openTestDatabase();
    const aPort = await a.listen();
    hung.hang = true;
    const hPort = await hung.listen();
    bPort = await freePort();
    log = await startTransparencyLog(
      { ...loadConfig(), log: { origin: 'log.test/v1/log', witnesses: [`${a.vkey}@http://127.0.0.1:${aPort}/`, `${b.vkey}@http://127.0.0.1:${bPort}`, `${hung.vkey}@http://127.0.0.1:${hPort}`], sequencer: false } },
      { witnesses: { retryMs: 50, maxRetryMs: 200, timeoutMs: 2_000 } },
    );
    logVkey = formatVerifierKey(log.identity.origin, SIG_ED25519, log.identity.signer.publicKey);
    servedCheckpoint = (await import('@/server/log/service')).servedCheckpoint;
  });
  afterAll(async () => {
    await log?.stop();
    await Promise.all([a.close(), b.close(), hung.close()]);
    await db?.dispose();
  });

  const cosignatureOf = (note: string, w: MiniWitness) => note.split('\n').find((l) => l.startsWith(`— ${w.name} `));

  it('pushes each checkpoint with its proof and serves the cosignatures collected, while a down or hung witness delays nothing', async () => {
    await commitReceipts(5);
    const started = Date.now();
    expect(await log.sequencer.runBatch()).toMatchObject({ sequenced: 5, size: 5 });
    expect(Date.now() - started).toBeLessThan(1500);
    const note = await waitFor(async () => {
      const cp = await servedCheckpoint();
      return cosignatureOf(cp, a) ? cp : null;
    });
    expect(a.requests[0]).toMatch(/^old 0\n\nlog\.test\/v1\/log\n5\n/);
    // A's cosignature verifies under A's key, over cosignature/v1 + the note text.
    const text = note.slice(0, note.lastIndexOf('\n\n') + 1);
    const sig = Buffer.from(cosignatureOf(note, a)!.split(' ')[2]!, 'base64');
    const wk = vkeyOf(a.vkey);
    expect(sig.subarray(0, 4).toString('hex')).toBe(wk.keyId);
    expect(wk.verify(sig.subarray(12), Buffer.from(`cosignature/v1\ntime ${sig.readBigUInt64BE(4)}\n${text}`))).toBe(true);
    expect(cosignatureOf(note, b)).toBeUndefined();
    await waitFor(async () => (await counter(b.name, 'unreachable')) > 0);

    await commitReceipts(7);
    expect(await log.sequencer.runBatch()).toMatchObject({ sequenced: 7, size: 12 });
    await waitFor(async () => (await counter(a.name, 'cosigned')) === 2);
    expect(a.state?.size).toBe(12);
    expect(a.statuses).toEqual([200, 200]);
    expect(a.requests[1]).toMatch(/^old 5\n([A-Za-z0-9+/=]{44}\n)+\nlog\.test\/v1\/log\n12\n/);
  });

  it('lets a witness that was down catch up in one step with the newest checkpoint', async () => {
    await b.listen(bPort);
    const note = await waitFor(async () => {
      const cp = await servedCheckpoint();
      return cosignatureOf(cp, b) ? cp : null;
    });
    expect(note).toMatch(/^log\.test\/v1\/log\n12\n/);
    expect(b.requests).toHaveLength(1);
    expect(b.requests[0]).toMatch(/^old 0\n\n/);
    expect(b.state?.size).toBe(12);
    await commitReceipts(3);
    await log.sequencer.runBatch();
    await waitFor(async () => b.state?.size === 15 && a.state?.size === 15);
    expect(b.requests[1]).toMatch(/^old 12\n/);
  });

  it('follows a 409 to the size the witness last cosigned', async () => {
    // B answered before the log stored its cosignature: wait for the row, then forget it.
    await waitFor(async () => (await db.sql.query('SELECT 1 FROM log_cosignatures WHERE witness = $1 AND size = 15', [b.name])).length > 0);
    // The log forgets what B cosigned (as after restoring an older backup of its cosignatures).
    await db.sql.query('DELETE FROM log_cosignatures WHERE witness = $1', [b.name]);
    const restarted = await startTransparencyLog(
      { ...loadConfig(), log: { origin: null, witnesses: [`${b.vkey}@http://127.0.0.1:${bPort}`], sequencer: false } },
      { witnesses: { retryMs: 50, maxRetryMs: 200 } },
    );
    await commitReceipts(2);
    await restarted.sequencer.runBatch();
    await waitFor(async () => b.state?.size === 17);
    const last = b.requests.slice(-2);
    expect(last[0]).toMatch(/^old 0\n\n/);
    expect(last[1]).toMatch(/^old 15\n/);
    expect(b.statuses.slice(-2)).toEqual([409, 200]);
    expect(await counter(b.name, 'conflict')).toBeGreaterThanOrEqual(1);
    await restarted.stop();
  });
});
