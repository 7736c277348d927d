'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { DateTime } from '@/components/date-time';
import { formatCount } from '@/components/format';
import { Table, Td, Th } from '@/components/table';
import { Alert, Badge, Card, EmptyState, PageHeader, Spinner } from '@/components/ui';
import { readableError } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc-client';
import { SubscriptionBadge } from '../../subscription-badge';

const keyTones = { active: 'green', expired: 'amber', revoked: 'red' } as const;

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="mt-1 text-sm text-slate-900 dark:text-slate-100">{children}</dd>
    </div>
  );
}

export function TenantDetailView({ id }: { id: string }) {
  const trpc = useTRPC();
  const tenant = useQuery({ ...trpc.admin.tenant.queryOptions({ id }), retry: false });
  const back = (
    <Link href="/admin" className="text-sm font-medium text-indigo-700 dark:text-indigo-300 hover:underline">
      ← All tenants
    </Link>
  );

  if (tenant.isPending) return <Spinner label="Loading tenant" />;
  if (tenant.isError) {
    return (
      <div className="space-y-4">
        {back}
        {tenant.error.data?.code === 'NOT_FOUND' ? (
          <EmptyState title="Tenant not found">There is no tenant with id “{id}”.</EmptyState>
        ) : (
          <Alert tone="error">Could not load the tenant: {readableError(tenant.error)}</Alert>
        )}
      </div>
    );
  }
  const t = tenant.data;
  return (
    <div className="space-y-6">
      {back}
      <PageHeader
        title={t.name}
        description={<span className="font-mono">{t.id}</span>}
        actions={
          <Link href={`/admin/tenants/${encodeURIComponent(t.id)}/usage`} className="text-sm font-medium text-indigo-700 dark:text-indigo-300 hover:underline">
            Usage statements
          </Link>
        }
      />

      <Card title="Plan and usage">
        <dl className="grid grid-cols-2 gap-4 sm:grid-cols-3">
          <Fact label="Plan">{t.plan ?? 'none'}</Fact>
          <Fact label="Subscription">
            <SubscriptionBadge status={t.subscriptionStatus} />
          </Fact>
          <Fact label="VEx this month">{formatCount(t.vexThisMonth)}</Fact>
          <Fact label="FU this month">{formatCount(t.fuThisMonth)}</Fact>
          <Fact label="Active keys">{formatCount(t.activeKeyCount)}</Fact>
          <Fact label="Created">
            <DateTime value={t.createdAt} />
          </Fact>
        </dl>
      </Card>

      <Card title="Reserved capacity" actions={<Link href={`/admin/reserved?tenant=${encodeURIComponent(t.id)}`} className="text-sm font-medium text-indigo-700 dark:text-indigo-300 hover:underline">Edit reserved capacity</Link>}>
        {t.reserved ? (
          <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4">
            <Fact label="VEx reserved">{formatCount(t.reserved.vexReserved)}</Fact>
            <Fact label="FU reserved">{formatCount(t.reserved.fuReserved)}</Fact>
            <Fact label="Subscription plan">{t.reserved.subscriptionPlan ?? '—'}</Fact>
            <Fact label="Updated">
              <DateTime value={t.reserved.updatedAt} />
            </Fact>
          </dl>
        ) : (
          <p className="text-sm text-slate-600 dark:text-slate-400">No reserved capacity: the plan&apos;s included units and the default overage tiers apply.</p>
        )}
      </Card>

      <Card title={`Members (${t.members.length})`}>
        {t.members.length === 0 ? (
          <EmptyState title="No members" />
        ) : (
          <Table caption="Members">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Email</Th>
                <Th>Role</Th>
                <Th>Member since</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {t.members.map((m) => (
                <tr key={m.userId}>
                  <Td>{m.name || '—'}</Td>
                  <Td className="min-w-48 break-all">{m.email}</Td>
                  <Td>
                    <Badge tone={m.role === 'owner' ? 'indigo' : 'slate'}>{m.role}</Badge>
                  </Td>
                  <Td>
                    <DateTime value={m.since} />
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>

      <Card title={`API keys (${t.keys.length})`}>
        {t.keys.length === 0 ? (
          <EmptyState title="No API keys" />
        ) : (
          <Table caption="API keys">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Prefix</Th>
                <Th>Status</Th>
                <Th>Created</Th>
                <Th>Last used</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {t.keys.map((k) => (
                <tr key={k.id}>
                  <Td>{k.name}</Td>
                  <Td className="font-mono text-xs">{k.prefix}</Td>
                  <Td>
                    <Badge tone={keyTones[k.status]}>{k.status}</Badge>
                  </Td>
                  <Td>
                    <DateTime value={k.createdAt} />
                  </Td>
                  <Td>
                    <DateTime value={k.lastUsedAt} empty="never" />
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>

      <Card title="Recent traces">
        {t.recentTraces.length === 0 ? (
          <EmptyState title="No traces yet">Traces appear after the tenant&apos;s first exchange.</EmptyState>
        ) : (
          <Table caption="Recent traces" pinLastColumn>
            <thead>
              <tr>
                <Th>Trace</Th>
                <Th className="text-right">Hops</Th>
                <Th>Last hop</Th>
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {t.recentTraces.map((tr) => (
                <tr key={tr.traceId}>
                  <Td className="break-all font-mono text-xs">{tr.traceId}</Td>
                  <Td className="text-right tabular-nums">{formatCount(tr.hops)}</Td>
                  <Td>
                    <DateTime value={tr.updatedAt} />
                  </Td>
                  <Td>
                    <Link href={`/auditor?tenant=${encodeURIComponent(t.id)}&trace=${encodeURIComponent(tr.traceId)}`} className="text-sm font-medium text-indigo-700 dark:text-indigo-300 hover:underline">
                      Verify
                    </Link>
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
    </div>
  );
}
