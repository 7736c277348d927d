// The log's own Ed25519 key and origin: created by the first instance to start, encrypted at
// rest like the receipt signing keys, and fixed from then on (witnesses know a log by its
// origin and key). The empty tree's checkpoint is signed with it at creation.
import { getDatabase } from '../db';
import { decryptSeed, encryptSeed } from '../keys/encryption';
import { sign } from 'node:crypto';
import { ed25519PrivateKey, generateSeed } from '../receipts/node-signer';
import { formatCheckpoint } from '../transparency/checkpoint';
import { EMPTY_ROOT } from '../transparency/merkle';
import { SIG_ED25519, signerFromSeed, signNote, type NoteSigner } from '../transparency/note';

const LOCK = 0x5167_6e6c; // "Sgnl"

/** `<host[:port] of the public URL>/v1/log`. */
export function originFromPublicUrl(publicUrl: string): string {
  return `${new URL(publicUrl).host}/v1/log`;
}

/**
 * The log's note signer, signing with node:crypto (OpenSSL): a checkpoint is signed per batch,
 * and @noble/ed25519 (two scalar multiplications in JavaScript per signature, about 4 ms) cost
 * a sixth of a batch's time on the thread PGlite shares with the exchanges.
 */
function logSigner(origin: string, seed: Uint8Array): NoteSigner {
  const privateKey = ed25519PrivateKey(seed);
  return { ...signerFromSeed(origin, SIG_ED25519, seed), sign: (message) => new Uint8Array(sign(null, message, privateKey)) };
}

export interface LogIdentity {
  origin: string;
  signer: NoteSigner;
}

/**
 * Start-up: the log's key and origin, created when absent. `explicitOrigin` (SP_LOG_ORIGIN)
 * must match the stored origin once there is one; a derived origin never replaces it.
 */
export async function ensureLogKey(opts: { explicitOrigin: string | null; publicUrl: string; encryptionKey: string | null }): Promise<LogIdentity> {
  return getDatabase().sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK]);
    const rows = await tx.query<{ origin: string; private_key: string; encrypted: boolean }>('SELECT origin, private_key, encrypted FROM log_keys WHERE id = 1');
    const row = rows[0];
    if (row) {
      if (opts.explicitOrigin && opts.explicitOrigin !== row.origin) {
        throw new Error(`SP_LOG_ORIGIN is "${opts.explicitOrigin}" but this log's origin was fixed at its first start as "${row.origin}"`);
      }
      if (row.encrypted && !opts.encryptionKey) throw new Error('the log key is encrypted; set SP_KEY_ENCRYPTION_KEY');
      const seed = row.encrypted ? decryptSeed(row.private_key, opts.encryptionKey!) : new Uint8Array(Buffer.from(row.private_key, 'base64url'));
      return { origin: row.origin, signer: logSigner(row.origin, seed) };
    }
    const origin = opts.explicitOrigin ?? originFromPublicUrl(opts.publicUrl);
    if (/[\s+]/.test(origin)) throw new Error(`the log origin may contain neither spaces nor '+': "${origin}"`);
    const seed = generateSeed();
    const signer = logSigner(origin, seed);
    const stored = opts.encryptionKey ? encryptSeed(seed, opts.encryptionKey) : Buffer.from(seed).toString('base64url');
    await tx.query('INSERT INTO log_keys (id, origin, public_key, private_key, encrypted) VALUES (1, $1, $2, $3, $4)', [
      origin,
      Buffer.from(signer.publicKey).toString('base64'),
      stored,
      Boolean(opts.encryptionKey),
    ]);
    await tx.query('INSERT INTO log_checkpoints (size, root_hash, note) VALUES (0, $1, $2)', [Buffer.from(EMPTY_ROOT), signNote(formatCheckpoint(origin, 0, EMPTY_ROOT), signer)]);
    return { origin, signer };
  });
}
