/**
 * SHA-256 of the two fixed-size messages the log's tree hashes millions of times: an interior
 * node (0x01 || left || right, 65 bytes) and a receipt's leaf (0x00 || "sha256:<64 hex>", 72
 * bytes). Both are two blocks whose padding never changes, so the padded message lives in a
 * preallocated buffer and only its data bytes are written. Isomorphic, no allocation but the
 * 32-byte result. Measured per hash (2-core machine under load): 0.82 µs, against 1.8 µs for
 * node:crypto's one-shot hash (a native call and a Buffer per hash), 0.95 µs for hash-wasm and
 * 2.3 µs for @noble/hashes (a hasher object per call); verifying a usage bundle of 1,000,000
 * receipts takes about 3,100,000 of them. Differential tests against @noble/hashes and
 * node:crypto: merkle-sha256.test.ts.
 */

/** A padded two-block message of `length` bytes: 0x80 after it, its length in bits at the end. */
function paddedMessage(length: number, first: number): Uint8Array {
  const message = new Uint8Array(128);
  message[0] = first;
  message[length] = 0x80;
  message[126] = (length * 8) >>> 8;
  message[127] = (length * 8) & 0xff;
  return message;
}

/**
 * The hashing state lives in a closure, not at module level: bundled (esbuild turns a module's
 * top-level const into var), module-level tables ran 35 % slower, as V8 no longer takes their
 * length and storage for constants.
 */
function twoBlockHasher() {
  const K = new Int32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ]);
  const IV = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const W = new Int32Array(64);
  const state = new Int32Array(8);

  /** FIPS 180-4 §6.2.2 on the 64-byte block of `block` at `offset`, into `state`. */
  function compress(block: Uint8Array, offset: number): void {
    for (let i = 0, o = offset; i < 16; i++, o += 4) W[i] = (block[o]! << 24) | (block[o + 1]! << 16) | (block[o + 2]! << 8) | block[o + 3]!;
    for (let i = 16; i < 64; i++) {
      const w15 = W[i - 15]!;
      const w2 = W[i - 2]!;
      const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
      const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
      W[i] = (s1 + W[i - 7]! + s0 + W[i - 16]!) | 0;
    }
    let a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!, e = state[4]!, f = state[5]!, g = state[6]!, h = state[7]!;
    for (let i = 0; i < 64; i++) {
      const t1 = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) | 0;
      const t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    state[0] = (state[0]! + a) | 0;
    state[1] = (state[1]! + b) | 0;
    state[2] = (state[2]! + c) | 0;
    state[3] = (state[3]! + d) | 0;
    state[4] = (state[4]! + e) | 0;
    state[5] = (state[5]! + f) | 0;
    state[6] = (state[6]! + g) | 0;
    state[7] = (state[7]! + h) | 0;
  }

  function digestTwoBlocks(message: Uint8Array): Uint8Array {
    state.set(IV);
    compress(message, 0);
    compress(message, 64);
    const out = new Uint8Array(32);
    for (let i = 0; i < 8; i++) {
      const s = state[i]!;
      out[4 * i] = s >>> 24;
      out[4 * i + 1] = s >>> 16;
      out[4 * i + 2] = s >>> 8;
      out[4 * i + 3] = s;
    }
    return out;
  }

  const NODE = paddedMessage(65, 0x01);
  const LEAF = paddedMessage(72, 0x00);
  /** The length of a well-formed receipt hash, `sha256:` and 64 hex digits. */
  const RECEIPT_HASH_LENGTH = 71;
  return {
    /** SHA-256(0x01 || left || right) for two 32-byte hashes. */
    sha256Node(left: Uint8Array, right: Uint8Array): Uint8Array {
      NODE.set(left, 1);
      NODE.set(right, 33);
      return digestTwoBlocks(NODE);
    },
    /**
     * SHA-256(0x00 || UTF-8(entry)) for an entry of 71 ASCII characters (a well-formed receipt
     * hash), or null for any other entry: only below 0x80 is a character's code its one UTF-8 byte.
     */
    sha256ReceiptLeaf(entry: string): Uint8Array | null {
      if (entry.length !== RECEIPT_HASH_LENGTH) return null;
      let high = 0;
      for (let i = 0; i < RECEIPT_HASH_LENGTH; i++) {
        const code = entry.charCodeAt(i);
        high |= code;
        LEAF[i + 1] = code;
      }
      return high < 0x80 ? digestTwoBlocks(LEAF) : null;
    },
  };
}

export const { sha256Node, sha256ReceiptLeaf } = twoBlockHasher();
