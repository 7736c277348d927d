// Start-up configuration from the guide: SP_API_KEYS becomes tenants and hashed keys,
// idempotently, and a bad value is refused with a message that never echoes a key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateApiKey } from '@/server/apikeys/authenticate';
import { importApiKeysFromEnv, parseApiKeysJson } from '@/server/apikeys/import-env';
import { hashApiKey } from '@/server/apikeys/secret';
import { openTestDatabase, type TestDatabase } from '../support/db';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.dispose();
});

describe('SP_API_KEYS', () => {
  it('creates tenant t1 and stores key k1 only as its hash', async () => {
    await importApiKeysFromEnv('{"k1":{"tenant":"t1"}}');
    expect(await db.prisma.tenant.findUnique({ where: { id: 't1' } })).not.toBeNull();
    const keys = await db.prisma.apiKey.findMany({ where: { tenantId: 't1' } });
    expect(keys).toHaveLength(1);
    expect(keys[0]!.hash).toBe(hashApiKey('k1'));
    expect(JSON.stringify(keys)).not.toContain('"k1"');
    expect(await authenticateApiKey('k1')).toMatchObject({ tenantId: 't1' });
  });

  it("imports the guide's full entry and updates it on re-import without duplicating", async () => {
    const guide = {
      enterprise_api_key_001: {
        tenant: 'enterprise_customer',
        allowlist: ['*.enterprise.com', 'api.partners.com'],
        fallback_enabled: true,
        fu_monthly_limit: 5000000,
        stripe_item_vex: 'price_signet_vex_tier1_005',
        stripe_item_fu: 'price_signet_fu_tier1_001',
      },
    };
    await importApiKeysFromEnv(JSON.stringify(guide));
    await importApiKeysFromEnv(JSON.stringify({ enterprise_api_key_001: { ...guide.enterprise_api_key_001, fu_monthly_limit: 10 } }));
    const keys = await db.prisma.apiKey.findMany({ where: { tenantId: 'enterprise_customer' } });
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ allowlist: ['*.enterprise.com', 'api.partners.com'], fallbackEnabled: true, fuMonthlyLimit: 10n, stripeItemVex: 'price_signet_vex_tier1_005', source: 'env' });
  });

  it('refuses invalid JSON and invalid entries without echoing the key', () => {
    expect(() => parseApiKeysJson('{nope')).toThrow(/not valid JSON/);
    let message = '';
    try {
      parseApiKeysJson('{"super-secret-key-123":{"allowlist":[]}}');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/tenant/);
    expect(message).not.toContain('super-secret-key-123');
  });
});
