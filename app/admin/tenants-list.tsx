'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useDeferredValue, useState } from 'react';
import { DateTime } from '@/components/date-time';
import { formatCount } from '@/components/format';
import { Table, Td, Th } from '@/components/table';
import { Alert, Card, EmptyState, Field, Input, Spinner } from '@/components/ui';
import { readableError } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc-client';
import { SubscriptionBadge } from './subscription-badge';

export function TenantsList() {
  const trpc = useTRPC();
  const [search, setSearch] = useState('');
  const deferred = useDeferredValue(search.trim());
  const tenants = useQuery({ ...trpc.admin.tenants.queryOptions({ search: deferred || undefined }), placeholderData: keepPreviousData });

  return (
    <Card>
      <div className="mb-4 max-w-sm">
        <Field label="Search tenants" hint="Matches the tenant id or name.">
          <Input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="acme or tn_…" autoComplete="off" />
        </Field>
      </div>
      {tenants.isPending ? (
        <Spinner label="Loading tenants" />
      ) : tenants.isError ? (
        <Alert tone="error">Could not load tenants: {readableError(tenants.error)}</Alert>
      ) : tenants.data.length === 0 ? (
        <EmptyState title={deferred ? `No tenant matches “${deferred}”` : 'No tenants yet'}>{deferred ? 'Try part of the id or the name.' : 'Tenants appear here when someone signs up.'}</EmptyState>
      ) : (
        <Table caption="Tenants">
          <thead>
            <tr>
              <Th>Tenant</Th>
              <Th>Plan</Th>
              <Th>Subscription</Th>
              <Th className="text-right">Members</Th>
              <Th className="text-right">Active keys</Th>
              <Th className="text-right">VEx this month</Th>
              <Th>Created</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
            {tenants.data.map((t) => (
              <tr key={t.id}>
                <Td>
                  <Link href={`/admin/tenants/${encodeURIComponent(t.id)}`} className="font-medium text-indigo-700 dark:text-indigo-300 hover:underline">
                    {t.name}
                  </Link>
                  <div className="font-mono text-xs text-slate-500 dark:text-slate-400">{t.id}</div>
                </Td>
                <Td>{t.plan ?? <span className="text-slate-500 dark:text-slate-400">none</span>}</Td>
                <Td>
                  <SubscriptionBadge status={t.subscriptionStatus} />
                </Td>
                <Td className="text-right tabular-nums">{formatCount(t.memberCount)}</Td>
                <Td className="text-right tabular-nums">{formatCount(t.activeKeyCount)}</Td>
                <Td className="text-right tabular-nums">{formatCount(t.vexThisMonth)}</Td>
                <Td>
                  <DateTime value={t.createdAt} />
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}
