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

export function listAuditLog(filter: { tenantId?: string; take?: number; before?: bigint }) {
  return prisma().auditLog.findMany({
    where: { tenantId: filter.tenantId, id: filter.before ? { lt: filter.before } : undefined },
    orderBy: { id: 'desc' },
    take: Math.min(filter.take ?? 50, 200),
  });
}
