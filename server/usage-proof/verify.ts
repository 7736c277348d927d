/**
 * Verifies a usage proof bundle (SPEC §8) offline: the statement's signature, the log checkpoint's
 * signature, every receipt's inclusion (per-receipt paths, or the compact form's tiles bound to
 * the checkpoint root), the units per meter, every batch root, the rating (re-done here in exact
 * decimal arithmetic from the statement's tariff, independently of the server's rating code) and
 * what the billing provider recorded. Isomorphic (CLI and the portal's Web Worker) and
 * incremental: the head, then tiles, then receipts in leaf order, one at a time, so a bundle of
 * millions of receipts is checked in bounded memory. Never throws; every failure is named.
 */
import Decimal from 'decimal.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { cid } from '../receipts/canonical';
import { decodeBase64url } from '../receipts/base64url';
import { keyringFor } from '../receipts/keyring';
import { decodeBase64 } from '../transparency/base64';
import { equalHashes, foldTileHashes, HASH_SIZE, MerkleAccumulator, nodeHash, receiptLeafHash, verifyInclusion, type Hash } from '../transparency/merkle';
import { parseVerifierKey, verifyNote } from '../transparency/note';
import { parseSignedCheckpoint } from '../transparency/verify-log';
import { tileWidth, TILE_WIDTH } from '../transparency/tiles';

export type Meter = 'vex' | 'fu';
const METERS: Meter[] = ['vex', 'fu'];

export type UsageFailureCode =
  | 'BUNDLE_MALFORMED'
  | 'STATEMENT_CID_MISMATCH'
  | 'SIGNATURE_INVALID'
  | 'CHECKPOINT_INVALID'
  | 'RECEIPT_INVALID'
  | 'RECEIPT_DUPLICATE'
  | 'INCLUSION_INVALID'
  | 'TILES_INVALID'
  | 'RECEIPT_OUTSIDE_BATCHES'
  | 'BATCH_ROOT_MISMATCH'
  | 'BATCH_UNITS_MISMATCH'
  | 'UNITS_MISMATCH'
  | 'TARIFF_INVALID'
  | 'LINE_MISMATCH'
  | 'AMOUNT_MISMATCH'
  | 'TOTAL_MISMATCH'
  | 'PROVIDER_MISMATCH';

export interface UsageFailure {
  code: UsageFailureCode;
  message: string;
  meter?: Meter;
  /** The batch's identifier, `<meter>:<hex root>`. */
  batch?: string;
  /** The difference, in units or dollars, where there is one. */
  amount?: string;
}

export interface UsageReport {
  valid: boolean;
  tenant: string | null;
  period: { start: string; end: string } | null;
  form: 'receipts' | 'compact' | null;
  receipts: number;
  batches: number;
  /** Units recounted from the receipts. */
  units: Record<Meter, number>;
  /** The total recomputed from the tariff, in dollars with cents. */
  total: string | null;
  pending: Record<Meter, number> | null;
  /**
   * `matches` when the provider's record equals what the statement bills; `pending` when it
   * agrees so far but some batches are not yet sent to it.
   */
  provider: 'matches' | 'differs' | 'pending' | 'absent';
  failures: UsageFailure[];
  /** Failures beyond the ones listed (a tampered bundle of millions would list millions). */
  moreFailures: number;
}

export interface UsageVerifyOptions {
  jwks: unknown;
  /** The log's verifier key line (`<name>+<key id>+<base64 key>`, as GET /v1/log/key serves it). */
  logKey: string;
  /**
   * Hashing done elsewhere (a worker thread: hashing-thread.ts) while the receipts are read here;
   * the report is then taken with finishAsync(). Without it every hash is computed in line.
   */
  offload?: HashingOffload;
}

/**
 * The verifier's hashing that depends on no later input: the compact form's tile check, and each
 * batch's Merkle root over its receipts' leaf hashes (given in leaf order). Same results as in line.
 */
export interface HashingOffload {
  /** Starts tilesFailure on the bundle's tiles (called once, when the receipts begin). */
  checkTiles(tiles: Map<string, Uint8Array>, size: number, root: Hash): void;
  /** Appends a leaf hash to the tree of batch `slot`. */
  pushLeaf(slot: number, leaf: Hash): void;
  /** tilesFailure's answer (null when it holds or was not asked) and the root of every slot given leaves. */
  results(): Promise<{ tiles: UsageFailure | null; roots: Map<number, Hash> }>;
}

const MAX_LISTED = 50;
const D = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_UP });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const HASH = /^sha256:[0-9a-f]{64}$/;
const usd = (d: Decimal) => d.toFixed(2);
const hex = (h: Hash) => Array.from(h, (b) => b.toString(16).padStart(2, '0')).join('');

interface BatchState {
  meter: Meter;
  identifier: string;
  root: string | null;
  units: number;
  first: number;
  last: number;
  /** Its place in the offload's list of trees (HashingOffload.pushLeaf). */
  slot: number;
  tree: MerkleAccumulator;
  /** Receipts in its tree. */
  leaves: number;
  counted: number;
}

export class UsageBundleVerifier {
  private readonly failures: UsageFailure[] = [];
  private more = 0;
  private statement: Record<string, unknown> | null = null;
  private provider: unknown = undefined;
  private size = 0;
  private root: Hash | null = null;
  private readonly tiles = new Map<string, Uint8Array>();
  private tilesChecked = false;
  /** With an offload: where in the list of failures the tile check's failure belongs, until it answers. */
  private tilesAt: number | null = null;
  private offloaded: Map<number, Hash> | null = null;
  private form: UsageReport['form'] = null;
  private readonly batches: Record<Meter, BatchState[]> = { vex: [], fu: [] };
  private readonly cursor: Record<Meter, number> = { vex: 0, fu: 0 };
  private readonly units: Record<Meter, number> = { vex: 0, fu: 0 };
  private receipts = 0;
  private lastLeaf = -1;
  private lastMeter = '';
  /** The level-0 tile the previous receipt's leaf lay in (receipts come in leaf order). */
  private leafTile: { index: number; hashes: Uint8Array | undefined } = { index: -1, hashes: undefined };

  constructor(private readonly options: UsageVerifyOptions) {}

  /** Records a failure found outside the verifier (the bundle's layout). */
  reject(message: string): void {
    this.fail({ code: 'BUNDLE_MALFORMED', message });
  }

  private fail(failure: UsageFailure) {
    if (this.failures.length < MAX_LISTED) this.failures.push(failure);
    else this.more++;
  }

  /** The bundle's fields other than `tiles` and `receipts`: statement, statement_cid, kid, signature, provider. */
  head(value: unknown): void {
    if (!isObject(value) || !isObject(value.statement)) return this.fail({ code: 'BUNDLE_MALFORMED', message: 'the bundle has no "statement" object' });
    const statement = value.statement;
    this.statement = statement;
    this.provider = value.provider;
    let statementCid: string | null = null;
    try {
      statementCid = cid(statement);
    } catch (error) {
      this.fail({ code: 'BUNDLE_MALFORMED', message: `the statement cannot be canonicalized: ${(error as Error).message}` });
    }
    if (statementCid !== null && value.statement_cid !== statementCid) {
      this.fail({ code: 'STATEMENT_CID_MISMATCH', message: `statement_cid is ${String(value.statement_cid)}, the statement hashes to ${statementCid}` });
    }
    this.checkSignature(value);
    this.checkCheckpoint(statement.checkpoint);
    this.readBatches(statement.batches);
  }

  private checkSignature(value: Record<string, unknown>) {
    if (typeof value.kid !== 'string' || typeof value.signature !== 'string' || typeof value.statement_cid !== 'string') {
      return this.fail({ code: 'SIGNATURE_INVALID', message: 'the bundle needs "statement_cid", "kid" and "signature" strings' });
    }
    const key = keyringFor(this.options.jwks).lookup(value.kid);
    if ('error' in key) return this.fail({ code: 'SIGNATURE_INVALID', message: key.error });
    let signature: Uint8Array;
    try {
      signature = decodeBase64url(value.signature);
    } catch {
      return this.fail({ code: 'SIGNATURE_INVALID', message: 'the signature is not base64url' });
    }
    if (!key.verifier.verify(signature, utf8ToBytes(value.statement_cid))) {
      this.fail({ code: 'SIGNATURE_INVALID', message: `the signature does not verify over statement_cid with key ${value.kid}` });
    }
  }

  private checkCheckpoint(text: unknown) {
    const parsed = parseSignedCheckpoint(text);
    if (!parsed.ok) return this.fail({ code: 'CHECKPOINT_INVALID', message: `statement checkpoint: ${parsed.reason}` });
    this.size = parsed.value.checkpoint.size;
    this.root = parsed.value.checkpoint.root;
    const key = parseVerifierKey(this.options.logKey.trim());
    if (!key.ok) return this.fail({ code: 'CHECKPOINT_INVALID', message: `log key: ${key.reason}` });
    const verified = verifyNote(text as string, [key.value]);
    if (!verified.ok) this.fail({ code: 'CHECKPOINT_INVALID', message: `statement checkpoint: ${verified.reason}` });
  }

  private readBatches(value: unknown) {
    if (!Array.isArray(value)) return this.fail({ code: 'BUNDLE_MALFORMED', message: 'statement "batches" is not an array' });
    value.forEach((b, i) => {
      if (!isObject(b) || (b.meter !== 'vex' && b.meter !== 'fu') || !isCount(b.units) || !isCount(b.first_leaf) || !isCount(b.last_leaf) || b.first_leaf > b.last_leaf) {
        return this.fail({ code: 'BUNDLE_MALFORMED', message: `statement batch #${i + 1} is not {meter, root, units, first_leaf ≤ last_leaf}` });
      }
      const root = typeof b.root === 'string' && /^[0-9a-f]{64}$/.test(b.root) ? b.root : null;
      const identifier = `${b.meter}:${root ?? String(b.root)}`;
      if (!root) this.fail({ code: 'BATCH_ROOT_MISMATCH', meter: b.meter, batch: identifier, message: `batch #${i + 1} carries no hex root, so nothing names the receipts it counted` });
      this.batches[b.meter].push({ meter: b.meter, identifier, root, units: b.units, first: b.first_leaf, last: b.last_leaf, slot: i, tree: new MerkleAccumulator(), leaves: 0, counted: 0 });
    });
    for (const meter of METERS) {
      const list = this.batches[meter].sort((a, b) => a.first - b.first);
      for (let i = 1; i < list.length; i++) {
        if (list[i]!.first <= list[i - 1]!.last) {
          this.fail({ code: 'BUNDLE_MALFORMED', meter, batch: list[i]!.identifier, message: `batches ${list[i - 1]!.identifier} and ${list[i]!.identifier} overlap in leaf range` });
        }
      }
    }
  }

  /** One tile of the compact form: `{level, index, width, hashes: base64}`. */
  tile(value: unknown): void {
    this.form = 'compact';
    if (!isObject(value) || !isCount(value.level) || !isCount(value.index) || !isCount(value.width) || typeof value.hashes !== 'string') {
      return this.fail({ code: 'TILES_INVALID', message: 'a tile is not {level, index, width, hashes}' });
    }
    const { level, index, width } = value;
    const expected = tileWidth(level, index, this.size);
    if (width !== expected || width === 0) return this.fail({ code: 'TILES_INVALID', message: `tile ${level}/${index} has width ${width}; the tree of size ${this.size} gives it ${expected}` });
    const hashes = decodeBase64(value.hashes);
    if (!hashes || hashes.length !== width * HASH_SIZE) return this.fail({ code: 'TILES_INVALID', message: `tile ${level}/${index} does not hold ${width} hashes of ${HASH_SIZE} bytes` });
    this.tiles.set(`${level}/${index}`, hashes);
  }

  /** Checks the tiles (tilesFailure) once they are all read, here or through options.offload. */
  private checkTiles() {
    this.tilesChecked = true;
    if (this.tiles.size === 0 || !this.root) return;
    if (!this.options.offload) {
      const failure = tilesFailure(this.tiles, this.size, this.root);
      if (failure) this.fail(failure);
      return;
    }
    this.tilesAt = this.failures.length + this.more;
    this.options.offload.checkTiles(this.tiles, this.size, this.root);
  }

  /** Takes the offload's results; its tile failure goes where checking in line would have listed it. */
  private async settleOffload(offload: HashingOffload) {
    const { tiles, roots } = await offload.results();
    this.offloaded = roots;
    if (!tiles || this.tilesAt === null) return;
    if (this.tilesAt >= MAX_LISTED) return void this.more++;
    this.failures.splice(this.tilesAt, 0, tiles);
    if (this.failures.length > MAX_LISTED) {
      this.failures.pop();
      this.more++;
    }
  }

  /** One receipt entry: `{receipt_hash, meter, units, leaf_index[, hashes]}`, in leaf order. */
  receipt(value: unknown): void {
    if (!isObject(value) || typeof value.receipt_hash !== 'string' || !HASH.test(value.receipt_hash) || (value.meter !== 'vex' && value.meter !== 'fu') || !isCount(value.units) || value.units === 0 || !isCount(value.leaf_index)) {
      if (this.form === 'compact' && !this.tilesChecked) this.checkTiles();
      return this.fail({ code: 'RECEIPT_INVALID', message: `receipt #${this.receipts + 1} is not {receipt_hash, meter, units > 0, leaf_index}` });
    }
    this.wellFormedReceipt(value.receipt_hash, value.meter, value.units, value.leaf_index, value.hashes);
  }

  /**
   * A receipt whose fields are checked already: `receiptHash` is `sha256:<64 hex>`, `units` a
   * positive and `leaf` a non-negative safe integer (receipt() checks; so does the line reader's
   * fast path).
   */
  wellFormedReceipt(receiptHash: string, meter: Meter, units: number, leaf: number, hashes?: unknown): void {
    if (this.form === 'compact' && !this.tilesChecked) this.checkTiles();
    this.receipts++;
    if (leaf < this.lastLeaf || (leaf === this.lastLeaf && meter <= this.lastMeter)) {
      const duplicate = leaf === this.lastLeaf && meter === this.lastMeter;
      this.fail({ code: duplicate ? 'RECEIPT_DUPLICATE' : 'BUNDLE_MALFORMED', meter, message: duplicate ? `receipt ${receiptHash} (${meter}) is listed twice` : `receipt ${receiptHash} at leaf ${leaf} is out of leaf order` });
      return;
    }
    this.lastLeaf = leaf;
    this.lastMeter = meter;
    this.units[meter] += units;
    const leafHash = receiptLeafHash(receiptHash);
    this.checkInclusion(receiptHash, leaf, leafHash, hashes);
    const batches = this.batches[meter];
    while (this.cursor[meter] < batches.length && batches[this.cursor[meter]]!.last < leaf) this.cursor[meter]++;
    const batch = batches[this.cursor[meter]];
    if (!batch || batch.first > leaf) {
      return this.fail({ code: 'RECEIPT_OUTSIDE_BATCHES', meter, amount: String(units), message: `receipt ${receiptHash} (leaf ${leaf}, ${units} ${meter}) lies in no ${meter} batch of the statement` });
    }
    if (this.options.offload) this.options.offload.pushLeaf(batch.slot, leafHash);
    else batch.tree.push(leafHash);
    batch.leaves++;
    batch.counted += units;
  }

  private checkInclusion(receiptHash: string, leaf: number, leafHash: Hash, hashes: unknown) {
    if (!this.root) return;
    if (leaf >= this.size) return this.fail({ code: 'INCLUSION_INVALID', message: `receipt ${receiptHash} is at leaf ${leaf}, beyond the checkpoint of size ${this.size}` });
    if (this.form === 'compact') {
      const index = Math.floor(leaf / TILE_WIDTH);
      if (this.leafTile.index !== index) this.leafTile = { index, hashes: this.tiles.get(`0/${index}`) };
      const tile = this.leafTile.hashes;
      const at = (leaf % TILE_WIDTH) * HASH_SIZE;
      if (!tile || tile.length < at + HASH_SIZE) return this.fail({ code: 'INCLUSION_INVALID', message: `no tile covers leaf ${leaf} of receipt ${receiptHash}` });
      if (!holdsAt(tile, at, leafHash)) this.fail({ code: 'INCLUSION_INVALID', message: `leaf ${leaf} of the log is not receipt ${receiptHash}` });
      return;
    }
    this.form = 'receipts';
    const path = Array.isArray(hashes) ? hashes.map((h) => (typeof h === 'string' ? decodeBase64(h) : null)) : null;
    if (!path || path.some((h) => h === null)) return this.fail({ code: 'INCLUSION_INVALID', message: `receipt ${receiptHash} carries no base64 inclusion path ("hashes") and the bundle no tiles` });
    const result = verifyInclusion(leafHash, leaf, this.size, path as Hash[], this.root);
    if (!result.ok) this.fail({ code: 'INCLUSION_INVALID', message: `receipt ${receiptHash}: ${result.reason}` });
  }

  /** The report, once options.offload has answered. */
  async finishAsync(): Promise<UsageReport> {
    if (this.form === 'compact' && !this.tilesChecked) this.checkTiles();
    if (this.options.offload) await this.settleOffload(this.options.offload);
    return this.finish();
  }

  finish(): UsageReport {
    if (this.options.offload && !this.offloaded) throw new Error('the hashing is offloaded: take the report with finishAsync()');
    if (this.form === 'compact' && !this.tilesChecked) this.checkTiles();
    const statement = this.statement;
    let total: string | null = null;
    if (statement) {
      for (const meter of METERS) {
        for (const batch of this.batches[meter]) {
          const root = batch.leaves > 0 ? hex(this.offloaded?.get(batch.slot) ?? batch.tree.root()) : null;
          if (batch.root && root !== null && root !== batch.root) {
            this.fail({ code: 'BATCH_ROOT_MISMATCH', meter, batch: batch.identifier, message: `batch ${batch.identifier}: its ${batch.leaves} receipts in the bundle hash to root ${root}` });
          } else if (batch.leaves === 0) {
            this.fail({ code: 'BATCH_ROOT_MISMATCH', meter, batch: batch.identifier, message: `batch ${batch.identifier}: the bundle has none of its receipts` });
          }
          if (batch.counted !== batch.units) {
            this.fail({ code: 'BATCH_UNITS_MISMATCH', meter, batch: batch.identifier, amount: String(batch.counted - batch.units), message: `batch ${batch.identifier}: the statement says ${batch.units} ${meter}, its receipts add up to ${batch.counted}` });
          }
        }
      }
      total = this.rerate(statement);
    }
    const provider = statement ? this.compareProvider(statement) : 'absent';
    return {
      valid: this.failures.length === 0,
      tenant: statement && typeof statement.tenant === 'string' ? statement.tenant : null,
      period: statement && isObject(statement.period) ? (statement.period as UsageReport['period']) : null,
      form: this.form,
      receipts: this.receipts,
      batches: this.batches.vex.length + this.batches.fu.length,
      units: { ...this.units },
      total,
      pending: statement && isObject(statement.pending_units) ? (statement.pending_units as Record<Meter, number>) : null,
      provider,
      failures: this.failures,
      moreFailures: this.more,
    };
  }

  /** Re-rates the recounted units with the statement's tariff; returns the recomputed total. */
  private rerate(statement: Record<string, unknown>): string | null {
    const tariff = statement.tariff;
    const meters = statement.meters;
    if (!isObject(tariff) || !isObject(meters) || !isObject(tariff.included) || !isObject(tariff.tiers)) {
      this.fail({ code: 'TARIFF_INVALID', message: 'the statement has no tariff {fee, included, tiers} or no meters' });
      return null;
    }
    let total: Decimal;
    try {
      total = new D(String(tariff.fee)).toDecimalPlaces(2);
    } catch {
      this.fail({ code: 'TARIFF_INVALID', message: `tariff fee ${JSON.stringify(tariff.fee)} is not a decimal` });
      return null;
    }
    if (tariff.basis === 'reserved' && (!isObject(tariff.reserved_capacity) || METERS.some((m) => (tariff.reserved_capacity as Record<string, unknown>)[m] !== (tariff.included as Record<string, unknown>)[m]))) {
      this.fail({ code: 'TARIFF_INVALID', message: 'under reserved capacity the included units must be the reserved capacity' });
    }
    for (const meter of METERS) {
      const shown = meters[meter];
      if (!isObject(shown) || !Array.isArray(shown.lines)) {
        this.fail({ code: 'BUNDLE_MALFORMED', meter, message: `the statement has no ${meter} meter with lines` });
        continue;
      }
      if (shown.units !== this.units[meter]) {
        this.fail({ code: 'UNITS_MISMATCH', meter, amount: String(this.units[meter] - Number(shown.units)), message: `${meter}: the statement bills ${String(shown.units)} units, the receipts in the bundle add up to ${this.units[meter]}` });
      }
      const batched = this.batches[meter].reduce((sum, b) => sum + b.units, 0);
      if (batched !== shown.units) {
        this.fail({ code: 'UNITS_MISMATCH', meter, amount: String(batched - Number(shown.units)), message: `${meter}: the statement's batches count ${batched} units, its meter ${String(shown.units)}` });
      }
      const lines = rateMeter(this.units[meter], tariff.included[meter], tariff.tiers[meter]);
      if (typeof lines === 'string') {
        this.fail({ code: 'TARIFF_INVALID', meter, message: `${meter}: ${lines}` });
        continue;
      }
      const amount = lines.reduce((sum, l) => sum.plus(l.amount), new D(0));
      const shownLines = shown.lines as unknown[];
      lines.forEach((line, i) => {
        const s = shownLines[i];
        const same = isObject(s) && s.tier === line.tier && s.from === line.from && s.to === line.to && s.units === line.units && sameDecimal(s.unit_price, line.unitPrice) && sameDecimal(s.amount, line.amount);
        if (!same) {
          const shownAmount = isObject(s) ? String(s.amount) : 'no line';
          this.fail({ code: 'LINE_MISMATCH', meter, amount: usd(line.amount), message: `${meter} tier ${line.tier} (units ${line.from}–${line.to} at $${line.unitPrice.toString()}): recomputed $${usd(line.amount)}, the statement shows ${shownAmount}` });
        }
      });
      if (shownLines.length > lines.length) this.fail({ code: 'LINE_MISMATCH', meter, message: `${meter}: the statement has ${shownLines.length} lines, the tariff gives ${lines.length}` });
      if (!sameDecimal(shown.amount, amount)) {
        this.fail({ code: 'AMOUNT_MISMATCH', meter, amount: usd(amount), message: `${meter}: recomputed $${usd(amount)}, the statement shows $${String(shown.amount)}` });
      }
      total = total.plus(amount);
    }
    if (!sameDecimal(statement.total, total)) this.fail({ code: 'TOTAL_MISMATCH', amount: usd(total), message: `total: recomputed $${usd(total)}, the statement shows $${String(statement.total)}` });
    return usd(total);
  }

  /**
   * What the provider recorded against what the statement bills: on a plan every unit of every
   * batch (each identifier's value equals its batch's units); under reserved capacity only the
   * overage, so per meter the values add up to the billable units.
   */
  private compareProvider(statement: Record<string, unknown>): UsageReport['provider'] {
    if (this.provider === undefined) return 'absent';
    const provider = this.provider;
    if (!isObject(provider) || !Array.isArray(provider.events)) {
      this.fail({ code: 'PROVIDER_MISMATCH', message: 'the bundle\'s "provider" is not {kind, events: [...]}' });
      return 'differs';
    }
    const before = this.failures.length + this.more;
    const events = new Map<string, number>();
    for (const e of provider.events) if (isObject(e) && typeof e.identifier === 'string' && isCount(e.value)) events.set(e.identifier, e.value);
    const tariff = isObject(statement.tariff) ? statement.tariff : {};
    const meters = isObject(statement.meters) ? statement.meters : {};
    const pending = new Set(Array.isArray(provider.pending) ? provider.pending.filter((p) => typeof p === 'string') : []);
    const known = new Set<string>();
    for (const meter of METERS) {
      let recorded = 0;
      const waiting = this.batches[meter].some((b) => pending.has(b.identifier));
      for (const batch of this.batches[meter]) {
        known.add(batch.identifier);
        const value = events.get(batch.identifier) ?? 0;
        recorded += value;
        if (tariff.basis !== 'reserved' && value !== batch.units && !(pending.has(batch.identifier) && value === 0)) {
          this.fail({ code: 'PROVIDER_MISMATCH', meter, batch: batch.identifier, amount: String(value - batch.units), message: `batch ${batch.identifier}: the provider recorded ${value} ${meter}, the batch counts ${batch.units}` });
        }
      }
      const billable = isObject(meters[meter]) ? Number((meters[meter] as Record<string, unknown>).billable) : NaN;
      if (tariff.basis === 'reserved' && (waiting ? recorded > billable : recorded !== billable)) {
        this.fail({ code: 'PROVIDER_MISMATCH', meter, amount: String(recorded - billable), message: `${meter}: the provider recorded ${recorded} units beyond the reserved capacity, the statement bills ${billable}` });
      }
    }
    for (const identifier of events.keys()) {
      if (!known.has(identifier)) this.fail({ code: 'PROVIDER_MISMATCH', batch: identifier, message: `the provider recorded batch ${identifier}, which the statement does not list` });
    }
    if (this.failures.length + this.more !== before) return 'differs';
    return [...known].some((id) => pending.has(id)) ? 'pending' : 'matches';
  }
}

/** Whether the 32 bytes of `tile` at `at` are `hash` (in place: no view per receipt). */
function holdsAt(tile: Uint8Array, at: number, hash: Hash): boolean {
  if (hash.length !== HASH_SIZE) return false;
  for (let i = 0; i < HASH_SIZE; i++) if (tile[at + i] !== hash[i]) return false;
  return true;
}

function sameDecimal(shown: unknown, value: Decimal): boolean {
  if (typeof shown !== 'string' && typeof shown !== 'number') return false;
  try {
    return new D(shown).eq(value);
  } catch {
    return false;
  }
}

interface RatedLine {
  tier: number;
  from: number;
  to: number;
  units: number;
  unitPrice: Decimal;
  amount: Decimal;
}

/**
 * SPEC §6 graduated tiers over the billable units (used beyond included), each line's amount
 * rounded half-up to cents. A string explains a tariff that cannot be applied.
 */
function rateMeter(used: number, included: unknown, tiers: unknown): RatedLine[] | string {
  if (!isCount(included)) return `included units ${JSON.stringify(included)} are not a count`;
  if (!Array.isArray(tiers) || tiers.length === 0) return 'the tariff has no tiers';
  const billable = Math.max(0, used - included);
  const lines: RatedLine[] = [];
  let done = 0;
  let previous = 0;
  for (let i = 0; i < tiers.length; i++) {
    const tier = tiers[i];
    const last = i === tiers.length - 1;
    if (!isObject(tier) || (tier.up_to !== null && !isCount(tier.up_to))) return `tier ${i + 1} is not {up_to, unit_price}`;
    if (!last && (tier.up_to === null || (tier.up_to as number) <= previous)) return `tier ${i + 1}: thresholds must be positive and strictly ascending`;
    let unitPrice: Decimal;
    try {
      unitPrice = new D(String(tier.unit_price));
    } catch {
      return `tier ${i + 1}: unit price ${JSON.stringify(tier.unit_price)} is not a decimal`;
    }
    if (unitPrice.isNegative()) return `tier ${i + 1} has a negative price`;
    previous = (tier.up_to as number | null) ?? previous;
    if (done >= billable) continue;
    const end = last || tier.up_to === null || (tier.up_to as number) > billable ? billable : (tier.up_to as number);
    if (end <= done) continue;
    const units = end - done;
    lines.push({ tier: i + 1, from: done + 1, to: end, units, unitPrice, amount: unitPrice.times(units).toDecimalPlaces(2, Decimal.ROUND_HALF_UP) });
    done = end;
  }
  return lines;
}

/**
 * Binds the compact form's tiles to the checkpoint: each full tile must hash to its entry in the
 * tile above, and the tiles' right edge must give the checkpoint's root. Pure (a worker thread
 * runs it while the receipts are checked); the first failure, or null.
 */
export function tilesFailure(tiles: Map<string, Uint8Array>, size: number, root: Hash): UsageFailure | null {
  for (const [key, hashes] of tiles) {
    if (hashes.length !== TILE_WIDTH * HASH_SIZE) continue;
    const [level, index] = key.split('/').map(Number) as [number, number];
    const parent = tiles.get(`${level + 1}/${Math.floor(index / TILE_WIDTH)}`);
    const at = (index % TILE_WIDTH) * HASH_SIZE;
    if (!parent || parent.length < at + HASH_SIZE) return { code: 'TILES_INVALID', message: `tile ${key} is full but the bundle lacks the tile above it` };
    if (!equalHashes(foldTileHashes(hashes, 0, TILE_WIDTH), parent.subarray(at, at + HASH_SIZE))) {
      return { code: 'TILES_INVALID', message: `tile ${key} does not hash to its entry in tile ${level + 1}/${Math.floor(index / TILE_WIDTH)}` };
    }
  }
  let computed: Hash;
  try {
    computed = rangeFromTiles(tiles, 0, size);
  } catch (error) {
    return { code: 'TILES_INVALID', message: (error as Error).message };
  }
  return equalHashes(computed, root) ? null : { code: 'TILES_INVALID', message: `the tiles lead to root ${hex(computed)}, not the checkpoint's ${hex(root)}` };
}

/** The hash of the perfect subtree of `height` at `index`, read from the tile holding its hashes. */
function nodeFromTiles(tiles: Map<string, Uint8Array>, height: number, index: number): Hash {
  const level = Math.floor(height / 8);
  const span = 2 ** (height % 8);
  const first = index * span;
  const key = `${level}/${Math.floor(first / TILE_WIDTH)}`;
  const tile = tiles.get(key);
  const offset = first % TILE_WIDTH;
  if (!tile || tile.length < (offset + span) * HASH_SIZE) throw new Error(`the bundle lacks tile ${key}, which the checkpoint's root is computed from`);
  return foldTileHashes(tile, offset, span);
}

/** MTH(D[start:end]) from tiles, split as RFC 6962 splits. */
function rangeFromTiles(tiles: Map<string, Uint8Array>, start: number, end: number): Hash {
  const n = end - start;
  if (n === 0) return new Uint8Array(0);
  if (Number.isInteger(Math.log2(n)) && start % n === 0) return nodeFromTiles(tiles, Math.log2(n), start / n);
  let k = 1;
  while (k * 2 < n) k *= 2;
  return nodeHash(rangeFromTiles(tiles, start, start + k), rangeFromTiles(tiles, start + k, end));
}

/** Verifies a whole parsed bundle. */
export function verifyUsageBundle(bundle: unknown, options: UsageVerifyOptions): UsageReport {
  const verifier = new UsageBundleVerifier(options);
  if (!isObject(bundle)) {
    verifier.head(bundle);
    return verifier.finish();
  }
  const { tiles, receipts, ...head } = bundle;
  verifier.head(head);
  if (Array.isArray(tiles)) for (const t of tiles) verifier.tile(t);
  if (Array.isArray(receipts)) for (const r of receipts) verifier.receipt(r);
  return verifier.finish();
}

/**
 * A receipt line exactly as the server writes it (JSON.stringify of {receipt_hash, meter, units,
 * leaf_index}, then a comma unless it is the last): what JSON.parse would make of it, with every
 * field as receipt() requires, read without building an object. The captures hold no escapes;
 * at most 15 digits keep the numbers safe integers. Any other line is parsed the general way.
 */
const RECEIPT_LINE = /^\{"receipt_hash":"(sha256:[0-9a-f]{64})","meter":"(vex|fu)","units":([1-9]\d{0,14}),"leaf_index":(0|[1-9]\d{0,14})\}(,?)$/;

/**
 * Feeds a bundle to a verifier line by line, as the server writes it (head, one tile or receipt
 * per line); any other layout of the same JSON is collected and parsed whole at the end.
 */
export class UsageBundleLines {
  private state: 'head' | 'tiles' | 'receipts' | 'end' | 'whole' = 'head';
  private whole: string[] = [];
  private partial = '';
  /** Whether the current array's last element was followed by its comma; null before its first. */
  private comma: boolean | null = null;
  readonly verifier: UsageBundleVerifier;

  constructor(private readonly options: UsageVerifyOptions) {
    this.verifier = new UsageBundleVerifier(options);
  }

  /**
   * Text as it arrives, split into lines here (a CR before the LF is dropped); returns the
   * number of complete lines it held. finish() takes the last line if it has no LF.
   */
  text(chunk: string): number {
    const text = this.partial === '' ? chunk : this.partial + chunk;
    let lines = 0;
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      this.line(text.slice(start, newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline));
      lines++;
      start = newline + 1;
    }
    this.partial = text.slice(start);
    return lines;
  }

  line(text: string): void {
    if (this.state === 'receipts') {
      const fields = RECEIPT_LINE.exec(text);
      if (fields) {
        this.element(fields[5] === ',');
        return this.verifier.wellFormedReceipt(fields[1]!, fields[2] as Meter, Number(fields[3]), Number(fields[4]));
      }
    }
    if (this.state === 'whole') return void this.whole.push(text);
    if (this.state === 'head') {
      for (const [suffix, next] of [
        [',"tiles":[', 'tiles'],
        [',"receipts":[', 'receipts'],
      ] as const) {
        if (text.endsWith(suffix)) {
          try {
            this.verifier.head(JSON.parse(`${text.slice(0, -suffix.length)}}`));
            this.state = next;
            return;
          } catch {
            break;
          }
        }
      }
      this.state = 'whole';
      this.whole.push(text);
      return;
    }
    const trimmed = text.trim();
    if (trimmed === '') return;
    if (this.state === 'end') return this.verifier.reject('data follows the end of the bundle');
    if (trimmed === ',') {
      if (this.comma !== false) this.verifier.reject('a comma with no element before it');
      this.comma = true;
      return;
    }
    if ((this.state === 'tiles' && trimmed === '],"receipts":[') || trimmed === ']}') {
      if (this.comma) this.verifier.reject('a comma before the end of a list');
      this.comma = null;
      this.state = trimmed === ']}' ? 'end' : 'receipts';
      return;
    }
    const comma = trimmed.endsWith(',');
    this.element(comma);
    const element = comma ? trimmed.slice(0, -1) : trimmed;
    let value: unknown;
    try {
      value = JSON.parse(element);
    } catch {
      value = undefined;
    }
    if (this.state === 'tiles') this.verifier.tile(value);
    else this.verifier.receipt(value);
  }

  /** JSON's separators between a list's elements: one comma between two, none after the last. */
  private element(commaAfter: boolean) {
    if (this.comma === false) this.verifier.reject('two list elements with no comma between them');
    this.comma = commaAfter;
  }

  finish(): UsageReport {
    return this.end() ?? this.verifier.finish();
  }

  /** finish(), when options.offload does some of the hashing. */
  async finishAsync(): Promise<UsageReport> {
    return this.end() ?? this.verifier.finishAsync();
  }

  /** Takes the last line; the report when the bundle was collected whole (checked in line), else null. */
  private end(): UsageReport | null {
    if (this.partial !== '') {
      this.line(this.partial);
      this.partial = '';
    }
    if (this.state === 'whole') {
      let bundle: unknown;
      try {
        bundle = JSON.parse(this.whole.join('\n'));
      } catch (error) {
        this.verifier.reject(`the bundle is not JSON: ${(error as Error).message}`);
        return this.verifier.finish();
      }
      // Parsed whole, the bundle is checked in line (no tile check elsewhere).
      return verifyUsageBundle(bundle, { jwks: this.options.jwks, logKey: this.options.logKey });
    }
    if (this.state !== 'end') this.verifier.reject('the bundle ends early (a truncated download?)');
    return null;
  }
}
