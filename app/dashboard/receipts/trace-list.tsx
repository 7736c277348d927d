'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useDeferredValue, useState } from 'react';
import { DateTime } from '@/components/date-time';
import { truncateMiddle } from '@/components/format';
import { Table, Td, Th } from '@/components/table';
import { Alert, Card, EmptyState, Field, Input, Spinner } from '@/components/ui';
import { readableError } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc-client';

export function TraceList() {
  const trpc = useTRPC();
  const [search, setSearch] = useState('');
  const deferred = useDeferredValue(search.trim());
  const traces = useQuery({ ...trpc.receipts.list.queryOptions({ search: deferred || undefined }), placeholderData: keepPreviousData });

  return (
    <Card>
      <div className="mb-4 max-w-md">
        <Field label="Search by trace id" htmlFor="trace-search" hint="The beginning of a trace id is enough.">
          <Input id="trace-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} className="font-mono" autoComplete="off" />
        </Field>
      </div>
      {traces.isPending ? (
        <Spinner label="Loading traces" />
      ) : traces.isError ? (
        <Alert tone="error">Could not load traces: {readableError(traces.error)}</Alert>
      ) : traces.data.length === 0 ? (
        <EmptyState title={deferred ? `No trace starts with “${deferred}”` : 'No receipts yet'}>
          {deferred ? 'Check the id and try again.' : 'POST a tool call to /v1/exchange with one of your API keys; its receipt appears here.'}
        </EmptyState>
      ) : (
        <Table caption="Recent traces">
          <thead>
            <tr>
              <Th>Trace</Th>
              <Th>Hops</Th>
              <Th>Head receipt hash</Th>
              <Th>Started</Th>
              <Th>Last hop</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {traces.data.map((t) => (
              <tr key={t.traceId}>
                <Td>
                  <Link href={`/dashboard/receipts/${t.traceId}`} className="font-mono text-xs font-medium text-indigo-700 hover:underline">
                    {t.traceId}
                  </Link>
                </Td>
                <Td className="tabular-nums">{t.hops}</Td>
                <Td className="font-mono text-xs" title={t.headHash}>
                  {truncateMiddle(t.headHash, 12)}
                </Td>
                <Td>
                  <DateTime value={t.createdAt} />
                </Td>
                <Td>
                  <DateTime value={t.updatedAt} />
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}
