// Ed25519 signing keys: the active key signs, retired keys stay published in the JWKS so old
// receipts keep verifying. Instances sharing PostgreSQL agree on the active key through the
// database; each refreshes its cached signer every few seconds, so a rotation is picked up.
import { createHash, randomBytes } from 'node:crypto';
import { audit, type AuditActor } from '../audit/log';
import { getDatabase, prisma } from '../db';
import { createSigner, generateSeed, publicJwk } from '../receipts/node-signer';
import type { Jwks } from '../receipts/types';
import type { Signer } from '../receipts/build';
import { decryptSeed, encryptSeed } from './encryption';
import { loadConfig } from '../config';

export interface KeyOptions {
  seedB64: string | null;
  kid: string | null;
}

const REFRESH_MS = 5000;
let cached: { at: number; signer: Signer & { publicKey: string } } | null = null;

// Read from the environment on use, not held from start-up: Next's bundle loads its own copy
// of this module (admin rotation runs there) and must encrypt exactly as the server does.
function encryptionKey(): string | null {
  return loadConfig().keyEncryptionKey;
}

function decodeSeed(b64: string): Uint8Array {
  const seed = new Uint8Array(Buffer.from(b64, 'base64url'));
  if (seed.length !== 32) throw new Error(`SP_PRIVATE_KEY_B64 must be a 32-byte Ed25519 seed (base64url); got ${seed.length} bytes`);
  return seed;
}

function storeSeed(seed: Uint8Array) {
  const secret = encryptionKey();
  return secret
    ? { privateKey: encryptSeed(seed, secret), encrypted: true }
    : { privateKey: Buffer.from(seed).toString('base64url'), encrypted: false };
}

function newKid() {
  return `signet-${new Date().toISOString().slice(0, 10)}-${randomBytes(3).toString('hex')}`;
}

/**
 * Start-up: make sure exactly one active key exists. SP_PRIVATE_KEY_B64 + SP_KID name it when
 * set; otherwise the first instance generates one and the others load it.
 */
export async function ensureSigningKey(opts: KeyOptions): Promise<void> {
  if (opts.seedB64 && !opts.kid) throw new Error('SP_PRIVATE_KEY_B64 needs SP_KID');
  await getDatabase().sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [0x5167_6e66]);
    if (opts.seedB64 && opts.kid) {
      const seed = decodeSeed(opts.seedB64);
      const signer = createSigner(seed, opts.kid);
      const existing = await tx.query<{ public_key: string }>('SELECT public_key FROM signing_keys WHERE kid = $1', [opts.kid]);
      if (existing[0] && existing[0].public_key !== signer.publicKey) {
        throw new Error(`SP_KID ${opts.kid} is already registered with a different public key`);
      }
      if (!existing[0]) {
        const stored = storeSeed(seed);
        await tx.query(
          'INSERT INTO signing_keys (kid, public_key, private_key, encrypted, active) VALUES ($1, $2, $3, $4, false)',
          [opts.kid, signer.publicKey, stored.privateKey, stored.encrypted],
        );
      }
      await tx.query('UPDATE signing_keys SET active = (kid = $1), retired_at = CASE WHEN kid = $1 THEN NULL ELSE COALESCE(retired_at, now()) END', [opts.kid]);
      return;
    }
    const active = await tx.query('SELECT kid FROM signing_keys WHERE active');
    if (active.length === 0) await insertActiveKey(tx);
  });
  cached = null;
  served = null;
  await activeSigner();
}

async function insertActiveKey(tx: { query: (t: string, p?: unknown[]) => Promise<unknown[]> }) {
  const seed = generateSeed();
  const kid = newKid();
  const signer = createSigner(seed, kid);
  const stored = storeSeed(seed);
  await tx.query('UPDATE signing_keys SET active = false, retired_at = now() WHERE active');
  await tx.query(
    'INSERT INTO signing_keys (kid, public_key, private_key, encrypted, active) VALUES ($1, $2, $3, $4, true)',
    [kid, signer.publicKey, stored.privateKey, stored.encrypted],
  );
  return kid;
}

/** Makes a new key active; the previous one is retired but stays in the JWKS. Audited in the rotation's transaction. */
export async function rotateSigningKey(actor: AuditActor): Promise<{ kid: string; retired: string | null }> {
  const rotation = await getDatabase().sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [0x5167_6e66]);
    const [active] = await tx.query<{ kid: string }>('SELECT kid FROM signing_keys WHERE active');
    const retired = active?.kid ?? null;
    const kid = await insertActiveKey(tx);
    await audit(tx, actor, 'signing_key.rotate', { target: kid, detail: { retired } });
    return { kid, retired };
  });
  cached = null;
  served = null;
  return rotation;
}

/** The signer for the active key (cached; refreshed every few seconds). */
export async function activeSigner(now = Date.now()): Promise<Signer & { publicKey: string }> {
  if (cached && now - cached.at < REFRESH_MS) return cached.signer;
  const row = await prisma().signingKey.findFirst({ where: { active: true } });
  if (!row) throw new Error('no active signing key');
  if (cached?.signer.kid === row.kid) {
    cached = { at: now, signer: cached.signer };
    return cached.signer;
  }
  // A new active key (rotated here or on another instance): the served JWKS must name it.
  served = null;
  const secret = encryptionKey();
  if (row.encrypted && !secret) throw new Error(`signing key ${row.kid} is encrypted; set SP_KEY_ENCRYPTION_KEY`);
  const seed = row.encrypted ? decryptSeed(row.privateKey, secret!) : decodeSeed(row.privateKey);
  cached = { at: now, signer: createSigner(seed, row.kid) };
  return cached.signer;
}

export async function jwks(): Promise<Jwks> {
  const rows = await prisma().signingKey.findMany({ orderBy: { createdAt: 'asc' } });
  return { keys: rows.map((r) => publicJwk(r.publicKey, r.kid)) };
}

/** The JWKS as served: its exact bytes and a strong ETag (the same on every instance with the same keys). */
export interface JwksDocument {
  body: string;
  etag: string;
}

let served: { at: number; doc: Promise<JwksDocument> } | null = null;

/**
 * The JWKS from memory: verifiers fetch it constantly, and reading the keys per request held it
 * at 1,100–1,900 req/s against 3,500–4,700 for /healthz. A rotation here drops it at once; a
 * rotation on another instance is seen within REFRESH_MS, as the active signer is, and sooner
 * where this instance's signer refresh notices the new active key.
 */
export function servedJwks(now = Date.now()): Promise<JwksDocument> {
  if (served && now - served.at < REFRESH_MS) return served.doc;
  const doc = jwks().then((set) => {
    const body = JSON.stringify(set);
    return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
  });
  served = { at: now, doc };
  doc.catch(() => {
    if (served?.doc === doc) served = null;
  });
  return doc;
}

export async function listSigningKeys() {
  const rows = await prisma().signingKey.findMany({ orderBy: { createdAt: 'desc' } });
  return rows.map(({ kid, publicKey, active, createdAt, retiredAt, encrypted }) => ({ kid, publicKey, active, createdAt, retiredAt, encrypted }));
}

export { generateSeed };
