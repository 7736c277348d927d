import { z } from 'zod';
import { AppError } from '@/server/errors';
import { clearApiKeyCache } from '@/server/apikeys/authenticate';
import { createApiKey, listApiKeys, revokeApiKey, rotateApiKey } from '@/server/apikeys/repository';
import { publicApiKey } from '@/server/apikeys/status';
import { audit } from '@/server/audit/log';
import { inTransaction } from '@/server/db/transaction';
import { ownerProcedure, router, tenantProcedure } from '../init';
import { allowlistEntry, unitCount } from '../schemas';

/** Rotation overlap choices: how long the old key keeps working. */
export const ROTATION_OVERLAPS = { '1h': 3600, '24h': 86_400, '7d': 7 * 86_400 } as const;

const keyId = z.string().min(1).max(64);

export const apiKeysRouter = router({
  list: tenantProcedure.query(async ({ ctx }) => {
    const now = new Date();
    return (await listApiKeys(ctx.tenant.id)).map((k) => publicApiKey(k, now));
  }),

  create: ownerProcedure
    .input(
      z.object({
        name: z.string().trim().min(1, 'Give the key a name').max(80, 'At most 80 characters'),
        expiresAt: z.date().nullable().default(null).refine((d) => d === null || d.getTime() > Date.now(), 'The expiry date must be in the future'),
        allowlist: z.array(allowlistEntry).max(50, 'At most 50 entries').default([]),
        /** null = follow the tenant's setting. */
        fallbackEnabled: z.boolean().nullable().default(null),
        fuMonthlyLimit: unitCount.nullable().default(null),
      }),
    )
    .mutation(async ({ input, ctx }) => {
      const { key, apiKey } = await inTransaction(async (tx) => {
        const created = await createApiKey({ tenantId: ctx.tenant.id, ...input, allowlist: [...new Set(input.allowlist)] }, tx);
        await audit(tx, ctx.actor, 'apikey.create', { tenantId: ctx.tenant.id, target: created.apiKey.prefix, detail: { name: created.apiKey.name } });
        return created;
      });
      return { secret: key, apiKey: publicApiKey(apiKey) };
    }),

  revoke: ownerProcedure.input(z.object({ id: keyId })).mutation(async ({ input, ctx }) => {
    await inTransaction(async (tx) => {
      if (!(await revokeApiKey(ctx.tenant.id, input.id, tx))) throw new AppError('NOT_FOUND', 'No such active key.');
      await audit(tx, ctx.actor, 'apikey.revoke', { tenantId: ctx.tenant.id, target: input.id });
    });
    clearApiKeyCache();
    return { revoked: true };
  }),

  rotate: ownerProcedure
    .input(z.object({ id: keyId, overlap: z.enum(Object.keys(ROTATION_OVERLAPS) as [keyof typeof ROTATION_OVERLAPS]) }))
    .mutation(async ({ input, ctx }) => {
      const rotated = await inTransaction(async (tx) => {
        const done = await rotateApiKey(tx, ctx.tenant.id, input.id, ROTATION_OVERLAPS[input.overlap]);
        if (!done) throw new AppError('NOT_FOUND', 'No such active key.');
        await audit(tx, ctx.actor, 'apikey.rotate', {
          tenantId: ctx.tenant.id,
          target: input.id,
          detail: { newKey: done.apiKey.prefix, oldKeyExpiresAt: done.previousExpiresAt.toISOString() },
        });
        return done;
      });
      clearApiKeyCache();
      return { secret: rotated.key, apiKey: publicApiKey(rotated.apiKey), previousExpiresAt: rotated.previousExpiresAt };
    }),
});
