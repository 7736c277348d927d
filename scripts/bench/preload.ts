// Fills a PostgreSQL database with N real signed receipts on valid chains for one tenant in the
// current calendar month, with their usage rows (rollups kept by the same triggers as the hot
// path), idempotency records and trace heads, by COPY; then sequences them into the
// transparency log in large batches. Receipts are built from a byte template that is checked
// against buildReceipt (the hot path's builder) before any is written, and signed with node:crypto.
import { createHash, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { buildReceipt } from '@/server/receipts/build';
import { createSigner, generateSeed } from '@/server/receipts/node-signer';
import type { Receipt } from '@/server/receipts/types';

export const PRELOAD_TENANT = 'bench';
export const PRELOAD_KEY_ID = 'bench-preload-key';
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const PAYLOAD_TYPE = 'openai.tooluse.invoice.v1';
const TARGET_TYPE = 'invoice.iso20022.v1';
/** One exchange in this many used the LLM fallback (an FU usage row and fu_tokens in the receipt). */
const FU_EVERY = 10;
const FU_TOKENS = 120;

export interface PreloadOptions {
  receipts: number;
  hopsPerTrace: number;
  /** Receipts' times spread over [start, end). */
  start: Date;
  end: Date;
  onProgress?: (done: number) => void;
}

interface Template {
  kid: string;
  key: KeyObject;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The receipt buildReceipt would make for these fields, as stored text and hash. */
function templateReceipt(t: Template, f: { trace: string; hop: number; ts: string; invoice: string; prev: string | null; fu: boolean }) {
  const canon = `{"amount":1000,"currency":"USD","invoice_id":"${f.invoice}"}`;
  const cid = `sha256:${sha256(canon)}`;
  const canonJson = JSON.stringify(canon);
  const prev = f.prev === null ? 'null' : `"${f.prev}"`;
  const fuCanon = f.fu ? `"fallback_used":true,"fu_tokens":${FU_TOKENS},` : '';
  const jcsText =
    `{"algo":"sha256","canon":${canonJson},"cid":"${cid}",${fuCanon}"hop":${f.hop},"kid":"${t.kid}","payload_type":"${PAYLOAD_TYPE}",` +
    `"policy":{"allowed":true,"engine":"HEL","reason":"no_forward"},"prev_receipt_hash":${prev},"target_type":"${TARGET_TYPE}","tenant":"${PRELOAD_TENANT}","trace_id":"${f.trace}","ts":"${f.ts}"}`;
  const hash = `sha256:${sha256(jcsText)}`;
  const sig = sign(null, Buffer.from(hash), t.key).toString('base64url');
  const fuBody = f.fu ? `,"fallback_used":true,"fu_tokens":${FU_TOKENS}` : '';
  const body =
    `{"trace_id":"${f.trace}","hop":${f.hop},"ts":"${f.ts}","tenant":"${PRELOAD_TENANT}","payload_type":"${PAYLOAD_TYPE}","target_type":"${TARGET_TYPE}",` +
    `"cid":"${cid}","canon":${canonJson},"algo":"sha256","prev_receipt_hash":${prev},"policy":{"engine":"HEL","allowed":true,"reason":"no_forward"}${fuBody},` +
    `"kid":"${t.kid}","receipt_hash":"${hash}","sig":"${sig}"}`;
  return { hash, cid, body };
}

/** Refuses to write anything unless the template gives buildReceipt's exact bytes. */
function checkTemplate(t: Template, seed: Uint8Array) {
  const signer = createSigner(seed, t.kid);
  for (const fu of [false, true]) {
    for (const prev of [null, `sha256:${'ab'.repeat(32)}`]) {
      const f = { trace: 'tr-check', hop: prev ? 2 : 1, ts: '2026-12-01T00:00:00.000Z', invoice: 'INV-check', prev, fu };
      const expected: Receipt = buildReceipt(
        {
          trace_id: f.trace,
          hop: f.hop,
          ts: f.ts,
          tenant: PRELOAD_TENANT,
          payload_type: PAYLOAD_TYPE,
          target_type: TARGET_TYPE,
          normalized: { invoice_id: f.invoice, amount: 1000, currency: 'USD' },
          prev_receipt_hash: prev,
          policy: { engine: 'HEL', allowed: true, reason: 'no_forward' },
          ...(fu && { fallback_used: true, fu_tokens: FU_TOKENS }),
        },
        signer,
      );
      const got = templateReceipt(t, f);
      if (got.body !== JSON.stringify(expected)) throw new Error(`preload template drifted from buildReceipt:\n${got.body}\n${JSON.stringify(expected)}`);
    }
  }
}

const csv = (v: string | number | null) => (v === null ? '' : typeof v === 'number' ? String(v) : `"${v.replace(/"/g, '""')}"`);

function copy(client: pg.Client, table: string, columns: string[], text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`));
    stream.on('finish', resolve);
    stream.on('error', reject);
    stream.end(text);
  });
}

export interface ChunkSpec {
  seed: string;
  kid: string;
  receipts: number;
  hops: number;
  start: number;
  span: number;
  /** Traces first .. first + count - 1. */
  first: number;
  count: number;
}

export interface ChunkData {
  n: number;
  traces: string;
  receipts: string;
  usage: string;
  idempotency: string;
}

/** The COPY text of a chunk of traces (run in a worker: preload-worker.ts). */
export function buildChunk(spec: ChunkSpec): ChunkData {
  const t: Template = { kid: spec.kid, key: createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, Buffer.from(spec.seed, 'base64url')]), format: 'der', type: 'pkcs8' }) };
  const tr: string[] = [];
  const rc: string[] = [];
  const us: string[] = [];
  const id: string[] = [];
  const startIso = new Date(spec.start).toISOString();
  for (let ti = spec.first; ti < spec.first + spec.count; ti++) {
    const trace = `tr-scale-${ti}`;
    let prev: string | null = null;
    const hops = Math.min(spec.hops, spec.receipts - ti * spec.hops);
    let ts = '';
    for (let hop = 1; hop <= hops; hop++) {
      const g = ti * spec.hops + hop - 1;
      ts = new Date(spec.start + Math.floor((g / spec.receipts) * spec.span)).toISOString();
      const fu = g % FU_EVERY === 0;
      const r = templateReceipt(t, { trace, hop, ts, invoice: `INV-${g}`, prev, fu });
      rc.push(`${csv(trace)},${hop},${csv(PRELOAD_TENANT)},${csv(PRELOAD_KEY_ID)},${csv(r.hash)},${csv(PAYLOAD_TYPE)},${csv(TARGET_TYPE)},${csv(r.cid)},${csv(ts)},${csv(r.body)}`);
      us.push(`${csv(PRELOAD_TENANT)},${csv(PRELOAD_KEY_ID)},vex,1,${csv(r.hash)},${csv(ts)}`);
      if (fu) us.push(`${csv(PRELOAD_TENANT)},${csv(PRELOAD_KEY_ID)},fu,${FU_TOKENS},${csv(r.hash)},${csv(ts)}`);
      // The hot path stores the exchange's response for replays: the receipt and a little more.
      id.push(`${csv(PRELOAD_KEY_ID)},${csv(`idem-${g}`)},200,${csv(`{"trace_id":"${trace}","hop":${hop},"receipt":${r.body}}`)},${csv(trace)},${csv(ts)}`);
      prev = r.hash;
    }
    tr.push(`${csv(PRELOAD_TENANT)},${csv(trace)},${hops},${csv(prev)},${csv(startIso)},${csv(ts)}`);
  }
  const text = (lines: string[]) => `${lines.join('\n')}\n`;
  return { n: rc.length, traces: text(tr), receipts: text(rc), usage: text(us), idempotency: text(id) };
}

function buildInWorker(worker: Worker, spec: ChunkSpec): Promise<ChunkData> {
  return new Promise((resolve, reject) => {
    const done = (data: ChunkData) => {
      worker.off('error', reject);
      resolve(data);
    };
    worker.once('message', done);
    worker.once('error', reject);
    worker.postMessage(spec);
  });
}

/** Writes the preload; returns the signing key's kid (active in the database). */
export async function preload(databaseUrl: string, opts: PreloadOptions): Promise<{ kid: string }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const seed = generateSeed();
    const kid = `scale-bench-${Date.now().toString(36)}`;
    const t: Template = { kid, key: createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' }) };
    checkTemplate(t, seed);
    const signer = createSigner(seed, kid);
    await client.query(`INSERT INTO tenants (id, name) VALUES ($1, $1) ON CONFLICT DO NOTHING`, [PRELOAD_TENANT]);
    await client.query(`INSERT INTO api_keys (id, tenant_id, name, prefix, hash, source) VALUES ($1, $2, 'preload', 'sk_preload', 'preload-hash', 'env') ON CONFLICT DO NOTHING`, [
      PRELOAD_KEY_ID,
      PRELOAD_TENANT,
    ]);
    await client.query(`UPDATE signing_keys SET active = false, retired_at = now() WHERE active`);
    await client.query(`INSERT INTO signing_keys (kid, public_key, private_key, encrypted, active) VALUES ($1, $2, $3, false, true)`, [
      kid,
      signer.publicKey,
      Buffer.from(seed).toString('base64url'),
    ]);

    const L = opts.hopsPerTrace;
    const traces = Math.ceil(opts.receipts / L);
    const spec: ChunkSpec = { seed: Buffer.from(seed).toString('base64url'), kid, receipts: opts.receipts, hops: L, start: opts.start.getTime(), span: opts.end.getTime() - opts.start.getTime(), first: 0, count: 0 };
    const CHUNK_TRACES = Math.max(1, Math.floor(20_000 / L));
    const chunks: number[] = [];
    for (let first = 0; first < traces; first += CHUNK_TRACES) chunks.push(first);
    let done = 0;
    // Two workers build chunks (signing is most of it), each feeding its own three connections,
    // so building the next chunk overlaps the COPYs of the last.
    const lanes = await Promise.all([0, 1].map(async () => {
      const conns = [0, 1, 2].map(() => new pg.Client({ connectionString: databaseUrl }));
      for (const c of conns) {
        await c.connect();
        await c.query('SET synchronous_commit = off');
      }
      return { conns, worker: new Worker(new URL('./preload-worker.mjs', import.meta.url)) };
    }));
    try {
      await Promise.all(
        lanes.map(async ({ conns, worker }) => {
          const [a, b, c] = conns as [pg.Client, pg.Client, pg.Client];
          let copying: Promise<void> = Promise.resolve();
          for (;;) {
            const first = chunks.shift();
            if (first === undefined) break;
            const data = await buildInWorker(worker, { ...spec, first, count: Math.min(CHUNK_TRACES, traces - first) });
            await copying;
            copying = (async () => {
              await Promise.all([
                (async () => {
                  await copy(a, 'traces', ['tenant_id', 'id', 'head_hop', 'head_hash', 'created_at', 'updated_at'], data.traces);
                  await copy(a, 'receipts', ['trace_id', 'hop', 'tenant_id', 'api_key_id', 'receipt_hash', 'payload_type', 'target_type', 'cid', 'created_at', 'body'], data.receipts);
                })(),
                copy(b, 'usage_events', ['tenant_id', 'api_key_id', 'meter', 'units', 'receipt_hash', 'occurred_at'], data.usage),
                copy(c, 'idempotency_records', ['api_key_id', 'key', 'status', 'response_body', 'trace_id', 'created_at'], data.idempotency),
              ]);
              done += data.n;
              opts.onProgress?.(done);
            })();
          }
          await copying;
        }),
      );
    } finally {
      for (const lane of lanes) {
        await lane.worker.terminate();
        for (const c of lane.conns) await c.end();
      }
    }
    return { kid };
  } finally {
    await client.end();
  }
}
