// The transparency log end to end over HTTP (SPEC §7): receipts committed by real exchanges are
// sequenced, served as tiles and entry bundles, proven by inclusion and consistency proofs that
// an independent check accepts, carried in export bundles, and never removed.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportChain } from '@/server/chains/repository';
import { parseVerifierKey, type VerifierKey } from '@/server/transparency/note';
import { Sequencer } from '@/server/log/sequencer';
import { startTransparencyLog } from '@/server/log/start';
import { verifyBundle } from '@/server/receipts/verify';
import { loadConfig } from '@/server/config';
import { startTestApi, type TestApi } from '../support/api';

let api: TestApi;
let key: string;
let log: Awaited<ReturnType<typeof startTransparencyLog>>;

const invoice = (traceId: string, n: number) => ({
  payload_type: 'openai.tooluse.invoice.v1',
  target_type: 'invoice.iso20022.v1',
  trace_id: traceId,
  payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: JSON.stringify({ invoice_id: `INV-${traceId}-${n}`, amount: n + 1, currency: 'USD' }) } }] },
});

const H = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const leaf = (receiptHash: string) => H(Uint8Array.of(0), Buffer.from(receiptHash, 'utf8'));
// Independent RFC 6962 root over the leaf hashes, and RFC 9162 §2.1.3.2 inclusion verification.
function mth(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return H(Uint8Array.of(1), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}
function rootFromInclusion(index: number, size: number, leafHash: Uint8Array, path: Uint8Array[]): Uint8Array | null {
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of path) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = H(Uint8Array.of(1), p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else r = H(Uint8Array.of(1), r, p);
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 ? r : null;
}

function parseCheckpoint(note: string, vkeyLine: string) {
  const parsed = parseVerifierKey(vkeyLine);
  if (!parsed.ok) throw new Error(parsed.reason);
  const k: VerifierKey = parsed.value;
  const [text, sigs] = [note.slice(0, note.lastIndexOf('\n\n') + 1), note.slice(note.lastIndexOf('\n\n') + 2)];
  const line = sigs.split('\n').find((l) => l.startsWith(`— ${k.name} `))!;
  const sig = Buffer.from(line.split(' ')[2]!, 'base64');
  expect(sig.subarray(0, 4).toString('hex')).toBe(k.keyId);
  expect(k.verify(sig.subarray(4), Buffer.from(text))).toBe(true);
  const [origin, size, root] = text.split('\n');
  return { origin, size: Number(size), root: new Uint8Array(Buffer.from(root!, 'base64')) };
}

async function exchange(traceId: string, n: number): Promise<string> {
  const res = await api.exchange(key, invoice(traceId, n));
  expect(res.status).toBe(200);
  return ((await res.json()) as { receipt: { receipt_hash: string } }).receipt.receipt_hash;
}

beforeAll(async () => {
  api = await startTestApi();
  key = await api.tenantWithKey('logt');
  log = await startTransparencyLog({ ...loadConfig(), publicUrl: 'https://signet.example:8443', log: { origin: null, witnesses: [], sequencer: false } });
});
afterAll(async () => {
  await log?.stop();
  await api?.close();
});

describe('transparency log', () => {
  const hashes: string[] = [];

  it('starts with the signed empty tree, its origin from the public URL', async () => {
    const vkeyLine = (await (await fetch(`${api.url}/v1/log/key`)).text()).trim();
    expect(vkeyLine).toMatch(/^signet\.example:8443\/v1\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    const res = await fetch(`${api.url}/v1/log/checkpoint`);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('cache-control')).toMatch(/max-age=1\b/);
    const cp = parseCheckpoint(await res.text(), vkeyLine);
    expect(cp).toMatchObject({ origin: 'signet.example:8443/v1/log', size: 0 });
    expect(Buffer.from(cp.root).toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('answers 404 until a receipt is sequenced, then proves it', async () => {
    hashes.push(await exchange('tr-log-a', 0));
    const url = `${api.url}/v1/log/proof/inclusion?receipt_hash=${hashes[0]}`;
    const before = await fetch(url);
    expect(before.status).toBe(404);
    expect(((await before.json()) as { error: { code: string } }).error.code).toBe('LOG_ENTRY_NOT_FOUND');
    expect(await log.sequencer.runBatch()).toEqual({ leader: true, sequenced: 1, size: 1 });
    const proof = (await (await fetch(url)).json()) as { leaf_index: number; tree_size: number; hashes: string[] };
    expect(proof).toMatchObject({ leaf_index: 0, tree_size: 1, hashes: [] });
  });

  it('sequences every receipt once, serves tiles and entry bundles, and proves each against the checkpoint', async () => {
    for (let i = 1; i < 300; i += 13) {
      const n = Array.from({ length: Math.min(13, 300 - i) }, (_, j) => i + j);
      hashes.push(...(await Promise.all(n.map((k) => exchange(`tr-log-${k % 13}`, k)))));
    }
    // Batches of at most 128 here: several checkpoints.
    const seq = new Sequencer(log.identity, { batchSize: 128 });
    const sizes: number[] = [];
    for (;;) {
      const r = await seq.runBatch();
      if (r.sequenced === 0) break;
      sizes.push(r.size);
    }
    expect(sizes).toEqual([129, 257, 300]);
    const vkeyLine = (await (await fetch(`${api.url}/v1/log/key`)).text()).trim();
    const cp = parseCheckpoint(await (await fetch(`${api.url}/v1/log/checkpoint`)).text(), vkeyLine);
    expect(cp.size).toBe(300);

    // Entry bundles: the receipt hashes in log order, each length-prefixed.
    const full = await fetch(`${api.url}/v1/log/tile/entries/000`);
    expect(full.status).toBe(200);
    expect(full.headers.get('cache-control')).toContain('immutable');
    const partial = await fetch(`${api.url}/v1/log/tile/entries/001.p/44`);
    expect(partial.headers.get('cache-control')).toMatch(/max-age=1\b/);
    const entries: string[] = [];
    for (const buf of [Buffer.from(await full.arrayBuffer()), Buffer.from(await partial.arrayBuffer())]) {
      for (let at = 0; at < buf.length; ) {
        const n = buf.readUInt16BE(at);
        entries.push(buf.subarray(at + 2, at + 2 + n).toString('utf8'));
        at += 2 + n;
      }
    }
    expect(entries).toHaveLength(300);
    expect(new Set(entries)).toEqual(new Set(hashes));
    const { rows } = { rows: await api.db.sql.query<{ n: string }>('SELECT count(*)::text AS n FROM log_pending') };
    expect(rows[0]!.n).toBe('0');

    // Hash tiles: level 0 holds the leaf hashes; the level-1 partial tile the full tile's root.
    const tile0 = Buffer.from(await (await fetch(`${api.url}/v1/log/tile/0/000`)).arrayBuffer());
    expect(tile0.length).toBe(8192);
    expect(tile0.subarray(0, 32).equals(leaf(entries[0]!))).toBe(true);
    const tile1 = Buffer.from(await (await fetch(`${api.url}/v1/log/tile/1/000.p/1`)).arrayBuffer());
    expect(tile1.equals(mth(entries.slice(0, 256).map(leaf)))).toBe(true);
    expect(Buffer.from(mth(entries.map(leaf))).equals(cp.root)).toBe(true);

    for (const [i, h] of hashes.entries()) {
      const res = (await (await fetch(`${api.url}/v1/log/proof/inclusion?receipt_hash=${h}`)).json()) as { leaf_index: number; tree_size: number; hashes: string[]; checkpoint: string };
      expect(res.tree_size).toBe(300);
      expect(entries[res.leaf_index]).toBe(h);
      if (i % 50 === 0) expect(parseCheckpoint(res.checkpoint, vkeyLine).size).toBe(300);
      const root = rootFromInclusion(res.leaf_index, 300, leaf(h), res.hashes.map((x) => new Uint8Array(Buffer.from(x, 'base64'))));
      expect(root && Buffer.from(root).equals(cp.root)).toBe(true);
    }

    // Against an older signed checkpoint, and its consistency with the newest.
    const old = (await (await fetch(`${api.url}/v1/log/proof/inclusion?receipt_hash=${entries[100]}&tree_size=129`)).json()) as { leaf_index: number; tree_size: number; hashes: string[]; checkpoint: string };
    const oldCp = parseCheckpoint(old.checkpoint, vkeyLine);
    expect(oldCp.size).toBe(129);
    expect(Buffer.from(rootFromInclusion(100, 129, leaf(entries[100]!), old.hashes.map((x) => new Uint8Array(Buffer.from(x, 'base64'))))!).equals(oldCp.root)).toBe(true);
    const cons = (await (await fetch(`${api.url}/v1/log/proof/consistency?from=129&to=300`)).json()) as { from: number; to: number; hashes: string[] };
    expect(cons.from).toBe(129);
    expect(cons.hashes.length).toBeGreaterThan(0);
    expect((await fetch(`${api.url}/v1/log/proof/inclusion?receipt_hash=${entries[200]}&tree_size=129`)).status).toBe(404);
    expect((await fetch(`${api.url}/v1/log/proof/inclusion?receipt_hash=${entries[1]}&tree_size=130`)).status).toBe(404);
  }, 120_000);

  it('refuses bad input with the error envelope', async () => {
    const cases: [string, number, string][] = [
      ['/v1/log/proof/consistency?from=10&to=5', 400, 'INVALID_REQUEST'],
      ['/v1/log/proof/consistency?from=x&to=5', 400, 'INVALID_REQUEST'],
      ['/v1/log/proof/consistency?from=01&to=5', 400, 'INVALID_REQUEST'],
      ['/v1/log/proof/consistency?to=5', 400, 'INVALID_REQUEST'],
      ['/v1/log/proof/consistency?from=1&to=301', 404, 'LOG_CHECKPOINT_NOT_FOUND'],
      ['/v1/log/proof/inclusion?receipt_hash=sha256:xyz', 400, 'INVALID_REQUEST'],
      ['/v1/log/proof/inclusion?receipt_hash=sha256:' + '0'.repeat(64), 404, 'LOG_ENTRY_NOT_FOUND'],
      ['/v1/log/proof/inclusion?receipt_hash=sha256:' + '0'.repeat(64) + '&tree_size=-1', 400, 'INVALID_REQUEST'],
      ['/v1/log/proof/inclusion?receipt_hash=sha256:' + '0'.repeat(64) + '&tree_size=99999999999999999999', 400, 'INVALID_REQUEST'],
      ['/v1/log/tile/0/002', 404, 'LOG_TILE_NOT_FOUND'],
      ['/v1/log/tile/0/001', 404, 'LOG_TILE_NOT_FOUND'],
      ['/v1/log/tile/0/001.p/45', 404, 'LOG_TILE_NOT_FOUND'],
      ['/v1/log/tile/1/000', 404, 'LOG_TILE_NOT_FOUND'],
      ['/v1/log/tile/entries/x001/000', 404, 'LOG_TILE_NOT_FOUND'],
      ['/v1/log/tile/0/1', 400, 'INVALID_REQUEST'],
      ['/v1/log/tile/0/000.p/256', 400, 'INVALID_REQUEST'],
      ['/v1/log/tile/64/000', 400, 'INVALID_REQUEST'],
    ];
    for (const [path, status, code] of cases) {
      const res = await fetch(`${api.url}${path}`);
      expect(res.status, path).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code, path).toBe(code);
    }
    expect(await log.sequencer.runBatch()).toMatchObject({ sequenced: 0 });
  });

  it('puts every sequenced hop of a trace in the export bundle, outside bundle_cid', async () => {
    const bundle = await exportChain('logt', 'tr-log-3');
    expect(bundle?.log).toBeDefined();
    const { log: proofs, ...signed } = bundle!;
    expect(proofs!.proofs.map((p) => p.hop)).toEqual(signed.chain.map((r) => r.hop));
    const cp = parseCheckpoint(proofs!.checkpoint, (await (await fetch(`${api.url}/v1/log/key`)).text()).trim());
    for (const p of proofs!.proofs) {
      const receipt = signed.chain.find((r) => r.hop === p.hop)!;
      const root = rootFromInclusion(p.leaf_index, cp.size, leaf(receipt.receipt_hash), p.hashes.map((x) => new Uint8Array(Buffer.from(x, 'base64'))));
      expect(root && Buffer.from(root).equals(cp.root)).toBe(true);
    }
    const jwks = await (await fetch(`${api.url}/.well-known/jwks.json`)).json();
    const report = verifyBundle(bundle, jwks as never);
    expect(report.valid).toBe(true);
  });

  it('keeps leaves, tiles and checkpoints append-only, and one leaf per receipt', async () => {
    await expect(api.db.sql.query('DELETE FROM log_leaves WHERE leaf_index = 0')).rejects.toThrow(/append-only/);
    await expect(api.db.sql.query('UPDATE log_checkpoints SET note = $1 WHERE size = 1', ['x'])).rejects.toThrow(/append-only/);
    await expect(api.db.sql.query("UPDATE log_tiles SET hashes = '\\x00'::bytea WHERE level = 0 AND idx = 0")).rejects.toThrow(/may only grow/);
    await expect(api.db.sql.query('INSERT INTO log_leaves (leaf_index, receipt_hash) VALUES (300, $1)', [hashes[5]])).rejects.toThrow(/unique|duplicate/i);
    // A retention purge of an expired trace removes its receipts, never its leaves.
    await api.db.sql.query(
      `INSERT INTO traces (id, tenant_id, head_hop, head_hash, created_at, updated_at) VALUES ('tr-old', 'logt', 1, 'sha256:${'1'.repeat(64)}', now() - interval '9 years', now() - interval '9 years')`,
    );
    await api.db.sql.query(
      `INSERT INTO receipts (trace_id, hop, tenant_id, receipt_hash, payload_type, target_type, cid, created_at, body)
       VALUES ('tr-old', 1, 'logt', 'sha256:${'1'.repeat(64)}', 'p', 't', 'sha256:${'2'.repeat(64)}', now() - interval '9 years', '{}')`,
    );
    expect(await log.sequencer.runBatch()).toMatchObject({ sequenced: 1, size: 301 });
    const { purgeExpiredTraces } = await import('@/server/retention/purge');
    const report = await purgeExpiredTraces({ before: new Date(Date.now() - 8 * 365 * 86400_000) });
    expect(report.receipts).toBe(1);
    const res = await fetch(`${api.url}/v1/log/proof/inclusion?receipt_hash=sha256:${'1'.repeat(64)}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { leaf_index: number }).leaf_index).toBe(300);
  });

  it('lets two sequencers race for one batch: one sequences it, the other finds nothing left; nothing lost or doubled', async () => {
    for (let k = 300; k < 340; k++) hashes.push(await exchange('tr-log-race', k));
    // On PGlite both look at the queue before either's transaction runs; on PostgreSQL they are truly concurrent.
    const [a, b] = [new Sequencer(log.identity), new Sequencer(log.identity)];
    const results = await Promise.all([a.runBatch(), b.runBatch()]);
    expect(results.map((r) => r.sequenced).sort((x, y) => x - y)).toEqual([0, 40]);
    // The other found the lock taken or, after the first committed, the queue empty.
    expect(results.find((r) => r.sequenced === 0)).toMatchObject({ leader: false, sequenced: 0 });
    expect(await b.runBatch()).toMatchObject({ sequenced: 0 });
    const cp = (await (await fetch(`${api.url}/v1/log/checkpoint`)).text()).split('\n');
    expect(cp[1]).toBe('341');
    const res = (await (await fetch(`${api.url}/v1/log/proof/inclusion?receipt_hash=${hashes.at(-1)}`)).json()) as { leaf_index: number };
    expect(res.leaf_index).toBe(340);

    // Each in turn: a sequencer whose tree in memory the other has since extended builds on the log as it is.
    const winner = results[0]!.sequenced === 40 ? a : b;
    const other = winner === a ? b : a;
    for (let k = 340; k < 345; k++) hashes.push(await exchange('tr-log-race', k));
    expect(await other.runBatch()).toMatchObject({ leader: true, sequenced: 5, size: 346 });
    for (let k = 345; k < 350; k++) hashes.push(await exchange('tr-log-race', k));
    expect(await winner.runBatch()).toMatchObject({ leader: true, sequenced: 5, size: 351 });
    const vkeyLine = (await (await fetch(`${api.url}/v1/log/key`)).text()).trim();
    const head = parseCheckpoint(await (await fetch(`${api.url}/v1/log/checkpoint`)).text(), vkeyLine);
    const leaves = (await api.db.sql.query<{ receipt_hash: string }>('SELECT receipt_hash FROM log_leaves ORDER BY leaf_index')).map((r) => leaf(r.receipt_hash));
    expect(head.size).toBe(351);
    expect(Buffer.from(mth(leaves)).equals(Buffer.from(head.root))).toBe(true);
  });
});
