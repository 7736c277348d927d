// /.well-known/jwks.json is served from memory with a strong ETag: 304 on If-None-Match, a new
// ETag at once after a rotation here, and within the refresh interval after one elsewhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '@/tests/support/api';
import { etagMatches } from '@/api/routes/system';
import { rotateSigningKey, servedJwks } from '@/server/keys/signing-keys';
import { generateSeed, createSigner } from '@/server/receipts/node-signer';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

const get = (headers: Record<string, string> = {}) => fetch(`${api.url}/.well-known/jwks.json`, { headers });

describe('/.well-known/jwks.json', () => {
  it('sends ETag and Cache-Control, and 304 with no body when If-None-Match names the ETag', async () => {
    const first = await get();
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(first.headers.get('cache-control')).toBe('public, max-age=60, must-revalidate');
    expect(first.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await first.json();
    expect(body.keys).toHaveLength(1);

    for (const inm of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const again = await get({ 'If-None-Match': inm });
      expect(again.status, inm).toBe(304);
      expect(again.headers.get('etag')).toBe(etag);
      expect(await again.text()).toBe('');
    }
    expect((await get({ 'If-None-Match': '"stale"' })).status).toBe(200);
  });

  it('names a rotated key at once on this instance, with a new ETag', async () => {
    const before = (await get()).headers.get('etag')!;
    const { kid } = await rotateSigningKey({ id: null, email: 'ops@signet.test', ip: null });
    const after = await get({ 'If-None-Match': before });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(before);
    expect((await after.json()).keys.map((k: { kid: string }) => k.kid)).toContain(kid);
  });

  it('is read from memory, and picks up a key added by another instance after the refresh interval', async () => {
    const now = Date.now() + 1_000_000;
    const cachedDoc = await servedJwks(now);
    const other = createSigner(generateSeed(), 'k-other-instance');
    await api.db.sql.query('INSERT INTO signing_keys (kid, public_key, private_key, encrypted, active) VALUES ($1, $2, $3, false, false)', [other.kid, other.publicKey, 'x']);
    expect(await servedJwks(now + 1000)).toBe(cachedDoc);
    const refreshed = await servedJwks(now + 6000);
    expect(refreshed.etag).not.toBe(cachedDoc.etag);
    expect(JSON.parse(refreshed.body).keys.map((k: { kid: string }) => k.kid)).toContain('k-other-instance');
  });

  it('compares If-None-Match weakly, as RFC 9110 asks for GET', () => {
    expect(etagMatches(undefined, '"a"')).toBe(false);
    expect(etagMatches('"b", W/"a"', '"a"')).toBe(true);
    expect(etagMatches('"ab"', '"a"')).toBe(false);
  });
});
