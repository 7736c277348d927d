'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useDeferredValue, useState } from 'react';
import { DateTime } from '@/components/date-time';
import { Table, Td, Th } from '@/components/table';
import { Alert, Button, Card, EmptyState, Field, Input, Select, Spinner } from '@/components/ui';
import { readableError } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc-client';

export function AuditLogViewer() {
  const trpc = useTRPC();
  const [tenantId, setTenantId] = useState('');
  const [actionPrefix, setActionPrefix] = useState('');
  // Cursors of the pages before the current one, for "Newer"; the last is the current page's.
  const [cursors, setCursors] = useState<bigint[]>([]);
  const prefix = useDeferredValue(actionPrefix.trim());
  const tenants = useQuery(trpc.admin.tenants.queryOptions({}));
  const tenantName = new Map(tenants.data?.map((t) => [t.id, t.name]));
  const log = useQuery({
    ...trpc.admin.auditLog.queryOptions({ tenantId: tenantId || undefined, actionPrefix: prefix || undefined, before: cursors.at(-1) }),
    placeholderData: keepPreviousData,
  });

  return (
    <Card>
      <form className="mb-4 grid gap-4 sm:grid-cols-2 lg:max-w-2xl" onSubmit={(e) => e.preventDefault()} role="search" aria-label="Filter the audit log">
        <Field label="Tenant">
          <Select
            value={tenantId}
            onChange={(e) => {
              setTenantId(e.target.value);
              setCursors([]);
            }}
          >
            <option value="">All tenants and platform actions</option>
            {tenants.data?.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name} ({t.id})
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Action starts with" hint="For example signing_key, apikey. or allowlist.global">
          <Input
            value={actionPrefix}
            onChange={(e) => {
              setActionPrefix(e.target.value);
              setCursors([]);
            }}
            placeholder="apikey."
            autoComplete="off"
            spellCheck={false}
          />
        </Field>
      </form>

      {log.isPending ? (
        <Spinner label="Loading the audit log" />
      ) : log.isError ? (
        <Alert tone="error">Could not load the audit log: {readableError(log.error)}</Alert>
      ) : log.data.entries.length === 0 ? (
        <EmptyState title="No entries">{tenantId || prefix ? 'Nothing matches these filters.' : 'Actions appear here as owners and admins make them.'}</EmptyState>
      ) : (
        <>
          <Table caption="Audit log entries">
            <thead>
              <tr>
                <Th>When</Th>
                <Th>Who</Th>
                <Th>Action</Th>
                <Th>Target</Th>
                <Th>Tenant</Th>
                <Th>From</Th>
                <Th>Detail</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {log.data.entries.map((e) => (
                <tr key={e.id.toString()}>
                  <Td>
                    <DateTime value={e.at} />
                  </Td>
                  <Td className="break-all">{e.actorEmail ?? <span className="text-slate-500 dark:text-slate-400">system</span>}</Td>
                  <Td className="whitespace-nowrap font-mono text-xs">{e.action}</Td>
                  {/* Targets are ids and hashes of any length: they wrap rather than widen the table. */}
                  <Td className="max-w-48 break-all font-mono text-xs">{e.target ?? '—'}</Td>
                  <Td title={e.tenantId ?? undefined}>{e.tenantId ? (tenantName.get(e.tenantId) ?? <span className="font-mono text-xs">{e.tenantId}</span>) : '—'}</Td>
                  <Td className="whitespace-nowrap font-mono text-xs">{e.ip ?? '—'}</Td>
                  <Td>
                    {e.detail === null ? (
                      '—'
                    ) : (
                      <details>
                        <summary className="cursor-pointer text-xs font-medium text-indigo-700 dark:text-indigo-300">Show</summary>
                        <pre className="mt-1 max-w-md overflow-x-auto rounded bg-slate-50 dark:bg-slate-800/50 p-2 text-xs">{JSON.stringify(e.detail, null, 2)}</pre>
                      </details>
                    )}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
          <nav aria-label="Audit log pages" className="mt-4 flex items-center justify-between gap-2">
            <Button variant="secondary" disabled={cursors.length === 0 || log.isFetching} onClick={() => setCursors(cursors.slice(0, -1))}>
              ← Newer
            </Button>
            <span className="text-sm text-slate-500 dark:text-slate-400">Page {cursors.length + 1}</span>
            <Button variant="secondary" disabled={log.data.nextBefore === null || log.isFetching} onClick={() => setCursors([...cursors, log.data.nextBefore!])}>
              Older →
            </Button>
          </nav>
        </>
      )}
    </Card>
  );
}
