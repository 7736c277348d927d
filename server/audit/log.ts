// The audit log: who did what, when, from where. Every admin and owner action writes here, in
// the transaction that makes the change (server/db/transaction.ts), so an entry exists exactly
// when its change does: a failed write rolls the change back and reaches the caller.
import { prisma } from '../db';
import { isDatabaseUnavailable } from '../db/unavailable';
import { AppError } from '../errors';
import type { Prisma } from '../db/generated/client';
import type { SqlTransaction } from '../db/sql';
import type { Tx } from '../db/transaction';

export interface AuditActor {
  id: string | null;
  email: string | null;
  ip: string | null;
}

/** For changes no person asked for (a webhook, a scheduled change): every actor field empty. */
export const NO_ACTOR: AuditActor = { id: null, email: null, ip: null };

export interface AuditFields {
  tenantId?: string | null;
  target?: string | null;
  detail?: Prisma.InputJsonValue;
}

/**
 * Writes one entry inside `tx`: a Prisma interactive transaction, or a raw-SQL one where the
 * change itself is raw SQL (signing keys, the retention purge, sign-in throttling). The global
 * clients are not accepted (see Tx and SqlTransaction).
 */
export async function audit(tx: Tx | SqlTransaction, actor: AuditActor, action: string, fields: AuditFields = {}) {
  const row = { actorId: actor.id, actorEmail: actor.email, ip: actor.ip, action, tenantId: fields.tenantId ?? null, target: fields.target ?? null, detail: fields.detail };
  try {
    if (isSqlTransaction(tx)) {
      await tx.query(
        'INSERT INTO audit_log (actor_id, actor_email, ip, action, tenant_id, target, detail) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)',
        [row.actorId, row.actorEmail, row.ip, row.action, row.tenantId, row.target, row.detail === undefined ? null : JSON.stringify(row.detail)],
      );
    } else {
      await tx.auditLog.create({ data: row });
    }
  } catch (err) {
    // Thrown out of the transaction, this rolls the change back; the caller learns it was not made.
    // A lost database stays DATABASE_UNAVAILABLE (503, retry later).
    if (isDatabaseUnavailable(err)) throw err;
    throw new AppError('AUDIT_LOG_FAILED', undefined, { details: { action }, cause: err });
  }
}

function isSqlTransaction(tx: Tx | SqlTransaction): tx is SqlTransaction {
  return (tx as Partial<SqlTransaction>).inTransaction === true;
}

/** Newest first; `before` is the id of the last entry already shown (keyset pagination). */
export function listAuditLog(filter: { tenantId?: string; actionPrefix?: string; take?: number; before?: bigint }) {
  return prisma().auditLog.findMany({
    where: {
      tenantId: filter.tenantId,
      action: filter.actionPrefix ? { startsWith: filter.actionPrefix } : undefined,
      id: filter.before ? { lt: filter.before } : undefined,
    },
    orderBy: { id: 'desc' },
    take: Math.min(filter.take ?? 50, 200),
  });
}
