// Signing keys: SP_PRIVATE_KEY_B64 + SP_KID name the active key; seeds are encrypted at rest
// with SP_KEY_ENCRYPTION_KEY; rotation keeps retired keys in the JWKS.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { activeSigner, ensureSigningKey, jwks, rotateSigningKey } from '@/server/keys/signing-keys';
import { createSigner } from '@/server/receipts/node-signer';
import { openTestDatabase, type TestDatabase } from '../support/db';

const SEED = Buffer.alloc(32, 7).toString('base64url');
let db: TestDatabase;

beforeAll(async () => {
  process.env.SP_KEY_ENCRYPTION_KEY = 'test key-encryption key';
  db = await openTestDatabase();
});
afterAll(async () => {
  delete process.env.SP_KEY_ENCRYPTION_KEY;
  await db?.dispose();
});

describe('signing keys', () => {
  it('uses the configured seed and kid, and stores the seed only encrypted', async () => {
    await ensureSigningKey({ seedB64: SEED, kid: 'ops-2026' });
    const signer = await activeSigner(Date.now() + 60_000);
    expect(signer.kid).toBe('ops-2026');
    expect(signer.publicKey).toBe(createSigner(Buffer.alloc(32, 7), 'ops-2026').publicKey);
    const row = await db.prisma.signingKey.findUniqueOrThrow({ where: { kid: 'ops-2026' } });
    expect(row.encrypted).toBe(true);
    expect(row.privateKey).toMatch(/^v1:/);
    expect(row.privateKey).not.toContain(SEED);
  });

  it('refuses a configured kid that is already registered with another key', async () => {
    await expect(ensureSigningKey({ seedB64: Buffer.alloc(32, 8).toString('base64url'), kid: 'ops-2026' })).rejects.toThrow(/different public key/);
  });

  it('rotates to a new active key and keeps the retired one published', async () => {
    const { kid } = await rotateSigningKey({ id: null, email: 'ops@signet.test', ip: null });
    expect((await activeSigner(Date.now() + 120_000)).kid).toBe(kid);
    expect((await jwks()).keys.map((k) => k.kid)).toEqual(expect.arrayContaining(['ops-2026', kid]));
  });

  it('cannot load an encrypted key with the wrong key-encryption key', async () => {
    process.env.SP_KEY_ENCRYPTION_KEY = 'wrong';
    vi.resetModules(); // a fresh process: no signer cached yet
    const fresh = await import('@/server/keys/signing-keys');
    await expect(fresh.activeSigner()).rejects.toThrow(/SP_KEY_ENCRYPTION_KEY is wrong/);
    process.env.SP_KEY_ENCRYPTION_KEY = 'test key-encryption key';
  });
});
