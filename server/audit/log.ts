// The audit log: who did what, when, from where. Every admin and owner action writes here.
import { prisma } from '../db';
import type { Prisma } from '../db/generated/client';

export interface AuditActor {
  id: string | null;
  email: string | null;
  ip: string | null;
}

export async function audit(
  actor: AuditActor,
  action: string,
  fields: { tenantId?: string | null; target?: string | null; detail?: Prisma.InputJsonValue } = {},
) {
  await prisma().auditLog.create({
    data: {
      actorId: actor.id,
      actorEmail: actor.email,
      ip: actor.ip,
      action,
      tenantId: fields.tenantId ?? null,
      target: fields.target ?? null,
      detail: fields.detail,
    },
  });
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
