// The usage proof bundle (SPEC §8), written as a stream of text: the signed statement first,
// then (compact form) the log tiles covering the tenant's leaves, then one receipt per line in
// leaf order, each with its inclusion path in the per-receipt form. One element per line lets a
// verifier check a bundle of millions of receipts as it arrives; it is still one JSON document.
import { activeBillingProvider } from '../billing/provider';
import { readTiles } from '../log/repository';
import { tileKey, tilesNeeded, TileSet } from '../log/tiles';
import { HASH_SIZE, inclusionProof, rootHash, type Hash } from '../transparency/merkle';
import { tileWidth, TILE_WIDTH } from '../transparency/tiles';
import { countedReceipts, leafTileIndexes, providerRecord } from './repository';
import type { BillingPeriod } from '../billing/period';
import type { UsageProofHead, UsageProofReceipt, UsageProofTile } from '../receipts/wire-schema';
import { resolvePeriod, statementTreeSize, usageStatement, type SignedStatement } from './statement';

export type ProofForm = 'receipts' | 'compact';

const TILE_READ_CHUNK = 1_024;

/** The bundle for a period, chunk by chunk. The statement is built (or read) before the first chunk. */
export async function usageProofBundle(tenantId: string, periodRef: string, form: ProofForm, now: Date = new Date()): Promise<AsyncGenerator<string>> {
  const signed = await usageStatement(tenantId, periodRef, now);
  return writeBundle(signed, await resolvePeriod(tenantId, periodRef, now), form);
}

/** The bundle proving one signed statement of the tenant's `period`. */
export async function* writeBundle(signed: SignedStatement, period: BillingPeriod, form: ProofForm): AsyncGenerator<string> {
  const tenantId = signed.statement.tenant;
  const size = statementTreeSize(signed.statement);
  const identifiers = signed.statement.batches.flatMap((b) => (b.root ? [`${b.meter}:${b.root}`] : []));
  const provider = { kind: activeBillingProvider().kind, ...(await providerRecord(identifiers)) };
  // Each piece is typed as the documented bundle's (server/receipts/wire-schema.ts).
  const headFields: UsageProofHead = { ...signed, provider };
  const head = JSON.stringify(headFields);
  const tiles = new TileSet();
  if (form === 'compact') {
    yield `${head.slice(0, -1)},"tiles":[\n`;
    let first = true;
    for (const t of await compactTiles(tenantId, period, size, tiles)) {
      yield `${first ? '' : ',\n'}${JSON.stringify(t)}`;
      first = false;
    }
    yield `\n],"receipts":[\n`;
  } else {
    yield `${head.slice(0, -1)},"receipts":[\n`;
  }
  let first = true;
  for await (const page of countedReceipts(tenantId, period, size)) {
    let paths: Hash[][] | null = null;
    if (form === 'receipts') {
      const compute = (src: TileSet) => page.map((r) => inclusionProof(src, r.leafIndex, size));
      await load(tiles, tilesNeeded((src) => compute(src as TileSet)), size);
      paths = compute(tiles);
    }
    let text = '';
    page.forEach((r, i) => {
      const entry: UsageProofReceipt = { receipt_hash: r.receiptHash, meter: r.meter, units: r.units, leaf_index: r.leafIndex, ...(paths && { hashes: paths[i]!.map((h) => Buffer.from(h).toString('base64')) }) };
      text += `${first ? '' : ',\n'}${JSON.stringify(entry)}`;
      first = false;
    });
    yield text;
  }
  yield '\n]}\n';
}

/** Loads into `set` the tiles it lacks among `keys`, cut to their width in the tree of `size`. */
async function load(set: TileSet, keys: { level: number; index: number }[], size: number): Promise<void> {
  const missing = keys.filter((k) => !set.get(k.level, k.index));
  for (let i = 0; i < missing.length; i += TILE_READ_CHUNK) {
    for (const [key, hashes] of await readTiles(missing.slice(i, i + TILE_READ_CHUNK))) {
      const [level, index] = key.split('/').map(Number) as [number, number];
      const width = tileWidth(level, index, size);
      if (hashes.length < width * HASH_SIZE) throw new Error(`tile ${key} holds fewer hashes than the tree of size ${size} needs`);
      set.set(level, index, hashes.subarray(0, width * HASH_SIZE));
    }
  }
}

/**
 * The compact form's tiles: the level-0 tiles holding the tenant's leaves, every tile above them
 * up to the top, and the tiles the root of the tree is computed from. A verifier hashes each full
 * tile into its entry one level up and computes the checkpoint's root from the right edge, so
 * every hash it reads is bound to the signed root.
 */
async function compactTiles(tenantId: string, period: Parameters<typeof leafTileIndexes>[1], size: number, set: TileSet): Promise<UsageProofTile[]> {
  const wanted = new Map<string, { level: number; index: number }>();
  for (const t of tilesNeeded((src) => rootHash(src, size))) wanted.set(tileKey(t.level, t.index), t);
  let level = 0;
  let indexes = await leafTileIndexes(tenantId, period, size);
  while (indexes.length > 0) {
    const parents = new Set<number>();
    for (const index of indexes) {
      wanted.set(tileKey(level, index), { level, index });
      if (tileWidth(level, index, size) === TILE_WIDTH) parents.add(Math.floor(index / TILE_WIDTH));
    }
    level++;
    indexes = [...parents].filter((i) => tileWidth(level, i, size) > 0);
  }
  const keys = [...wanted.values()].sort((a, b) => a.level - b.level || a.index - b.index);
  await load(set, keys, size);
  return keys.map((k) => ({ level: k.level, index: k.index, width: tileWidth(k.level, k.index, size), hashes: Buffer.from(set.get(k.level, k.index)!).toString('base64') }));
}
