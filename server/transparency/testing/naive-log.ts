/**
 * An independent, deliberately naive transparency log for tests: RFC 9162 §2.1 MTH, PATH and
 * PROOF written from the RFC's recursive definitions, SHA-256 and Ed25519 from node:crypto,
 * notes and cosignatures formatted by hand. It shares no code with the verifier it checks.
 */
import { createHash, createPrivateKey, createPublicKey, sign } from 'node:crypto';

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();

/** Largest power of two strictly below n (n > 1). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export class NaiveTree {
  readonly leaves: Buffer[] = [];
  private readonly memo = new Map<string, Buffer>();

  append(entry: Buffer | string): number {
    this.leaves.push(sha256(Buffer.from([0]), Buffer.from(entry)));
    return this.leaves.length - 1;
  }

  /** MTH(D[start:end]). */
  hash(start: number, end: number): Buffer {
    const n = end - start;
    if (n === 0) return sha256();
    if (n === 1) return this.leaves[start]!;
    const key = `${start},${end}`;
    let h = this.memo.get(key);
    if (!h) {
      const k = split(n);
      h = sha256(Buffer.from([1]), this.hash(start, start + k), this.hash(start + k, end));
      this.memo.set(key, h);
    }
    return h;
  }

  root(size = this.leaves.length): Buffer {
    return this.hash(0, size);
  }

  /** PATH(m, D[0:size]). */
  inclusion(m: number, size = this.leaves.length): Buffer[] {
    const path = (m: number, start: number, end: number): Buffer[] => {
      const n = end - start;
      if (n <= 1) return [];
      const k = split(n);
      return m < k ? [...path(m, start, start + k), this.hash(start + k, end)] : [...path(m - k, start + k, end), this.hash(start, start + k)];
    };
    return path(m, 0, size);
  }

  /** PROOF(m, D[0:size]). */
  consistency(m: number, size = this.leaves.length): Buffer[] {
    const sub = (m: number, start: number, end: number, b: boolean): Buffer[] => {
      const n = end - start;
      if (m === n) return b ? [] : [this.hash(start, end)];
      const k = split(n);
      return m <= k ? [...sub(m, start, start + k, b), this.hash(start + k, end)] : [...sub(m - k, start + k, end, false), this.hash(start, start + k)];
    };
    return m === 0 ? [] : sub(m, 0, size, true);
  }
}

export interface NaiveKey {
  name: string;
  vkey: string;
  publicKey: Buffer;
  keyId: Buffer;
  sign(message: Buffer): Buffer;
}

export function naiveKey(name: string, type: 0x01 | 0x04, seedByte: number): NaiveKey {
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, Buffer.alloc(32, seedByte)]), format: 'der', type: 'pkcs8' });
  const publicKey = Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x!, 'base64url');
  const keyId = sha256(Buffer.from(name), Buffer.from([0x0a, type]), publicKey).subarray(0, 4);
  return {
    name,
    publicKey,
    keyId,
    vkey: `${name}+${keyId.toString('hex')}+${Buffer.concat([Buffer.from([type]), publicKey]).toString('base64')}`,
    sign: (message) => sign(null, message, privateKey),
  };
}

export function checkpointText(origin: string, size: number, root: Buffer): string {
  return `${origin}\n${size}\n${root.toString('base64')}\n`;
}

export function noteSignatureLine(key: NaiveKey, text: string): string {
  return `— ${key.name} ${Buffer.concat([key.keyId, key.sign(Buffer.from(text))]).toString('base64')}\n`;
}

export function cosignatureLine(key: NaiveKey, text: string, timestamp: number): string {
  const ts = Buffer.alloc(8);
  ts.writeBigUInt64BE(BigInt(timestamp));
  const signature = key.sign(Buffer.from(`cosignature/v1\ntime ${timestamp}\n${text}`));
  return `— ${key.name} ${Buffer.concat([key.keyId, ts, signature]).toString('base64')}\n`;
}

/** A log of one origin, with its key and witnesses, that signs checkpoints of any size it reached. */
export class NaiveLog {
  readonly tree = new NaiveTree();
  readonly key: NaiveKey;

  constructor(
    readonly origin = 'signet.test/v1/log',
    readonly witnesses: NaiveKey[] = [],
    seedByte = 0x42,
  ) {
    this.key = naiveKey(origin, 0x01, seedByte);
  }

  get size(): number {
    return this.tree.leaves.length;
  }

  checkpoint(size = this.size, timestamp = 1_790_000_000, root = this.tree.root(size)): string {
    const text = checkpointText(this.origin, size, root);
    return `${text}\n${noteSignatureLine(this.key, text)}${this.witnesses.map((w) => cosignatureLine(w, text, timestamp)).join('')}`;
  }

  /** The `log` field of an export bundle for the hops of `chain` that are in the tree of `size`. */
  bundleLog(chain: Array<{ hop: number; receipt_hash: string }>, size = this.size, timestamp?: number) {
    const proofs = [];
    for (const receipt of chain) {
      const index = this.tree.leaves.findIndex((leaf, i) => i < size && leaf.equals(sha256(Buffer.from([0]), Buffer.from(receipt.receipt_hash))));
      if (index === -1) continue;
      proofs.push({ hop: receipt.hop, leaf_index: index, hashes: this.tree.inclusion(index, size).map((h) => h.toString('base64')) });
    }
    return { checkpoint: this.checkpoint(size, timestamp), proofs };
  }

  consistencyProof(from: number, to: number) {
    return { from, to, hashes: this.tree.consistency(from, to).map((h) => h.toString('base64')) };
  }
}

const node = (l: Buffer, r: Buffer) => sha256(Buffer.from([1]), l, r);

/** The root PATH(m, D[n]) leads to from `leaf`, by the RFC's recursion; null when the proof has the wrong length. */
export function naiveInclusionRoot(m: number, n: number, leaf: Buffer, proof: Buffer[]): Buffer | null {
  if (m < 0 || m >= n) return null;
  if (n === 1) return proof.length === 0 ? leaf : null;
  if (proof.length === 0) return null;
  const k = split(n);
  const last = proof.at(-1)!;
  const rest = proof.slice(0, -1);
  const inner = m < k ? naiveInclusionRoot(m, k, leaf, rest) : naiveInclusionRoot(m - k, n - k, leaf, rest);
  if (!inner) return null;
  return m < k ? node(inner, last) : node(last, inner);
}

/** The (old, new) roots PROOF(m, D[n]) leads to, by the RFC's SUBPROOF recursion; null when malformed. */
export function naiveConsistencyRoots(m: number, n: number, proof: Buffer[], oldRoot: Buffer): [Buffer, Buffer] | null {
  if (m === 0 || m > n) return null;
  const sub = (m: number, n: number, b: boolean, proof: Buffer[]): [Buffer, Buffer] | null => {
    if (m === n) {
      if (b) return proof.length === 0 ? [oldRoot, oldRoot] : null;
      return proof.length === 1 ? [proof[0]!, proof[0]!] : null;
    }
    if (proof.length === 0) return null;
    const k = split(n);
    const last = proof.at(-1)!;
    const rest = proof.slice(0, -1);
    if (m <= k) {
      const inner = sub(m, k, b, rest);
      return inner && [inner[0], node(inner[1], last)];
    }
    const inner = sub(m - k, n - k, false, rest);
    return inner && [node(last, inner[0]), node(last, inner[1])];
  };
  return sub(m, n, true, proof);
}
