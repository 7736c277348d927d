// First start of an empty embedded database: a demo tenant with its owner, an admin, an
// auditor and one API key, printed once so a newcomer can sign in and call the API at once.
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../config';
import { createApiKey } from '../apikeys/repository';
import { prisma } from '../db';
import { createUser } from '../tenants/accounts';

export const DEMO_TENANT_ID = 'demo';

export async function seedDemo(password = loadConfig().demoPassword ?? randomBytes(9).toString('base64url')) {
  // SP_API_KEYS may already have created a tenant named "demo"; the demo data joins it.
  const tenant = await prisma().tenant.upsert({
    where: { id: DEMO_TENANT_ID },
    create: { id: DEMO_TENANT_ID, name: 'Demo Company', planId: 'starter', subscriptionStatus: 'active' },
    update: { name: 'Demo Company', planId: 'starter', subscriptionStatus: 'active' },
  });
  const owner = await createUser({ email: 'owner@demo.signet.local', password, name: 'Dana Owner' });
  await prisma().membership.create({ data: { userId: owner.id, tenantId: tenant.id, role: 'owner' } });
  await createUser({ email: 'admin@signet.local', password, name: 'Ada Admin', platformRole: 'admin' });
  await createUser({ email: 'auditor@signet.local', password, name: 'Avery Auditor', platformRole: 'auditor' });
  const { key } = await createApiKey({ tenantId: tenant.id, name: 'Demo key' });

  const line = '─'.repeat(72);
  console.log(
    [
      line,
      'Signet demo data created (shown once; the password is not stored in clear):',
      `  tenant owner  owner@demo.signet.local   password: ${password}`,
      `  admin         admin@signet.local        password: ${password}`,
      `  auditor       auditor@signet.local      password: ${password}`,
      `  demo API key  ${key}`,
      line,
    ].join('\n'),
  );
  return { password, apiKey: key };
}
