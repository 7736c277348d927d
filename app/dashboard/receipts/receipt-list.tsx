'use client';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useDeferredValue, useState } from 'react';
import { CopyButton } from '@/components/copy-button';
import { DateTime } from '@/components/date-time';
import { truncateMiddle } from '@/components/format';
import { Alert, Badge, Button, Card, EmptyState, Field, Input, Select, Spinner } from '@/components/ui';
import { readableError } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc-client';

type Tri = '' | 'yes' | 'no';
const tri = (v: Tri) => (v === '' ? undefined : v === 'yes');

function localDate(value: string): Date | undefined {
  const d = value ? new Date(value) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
}

/** The receipts explorer: every receipt of the tenant, newest first, filtered, paged without limit. */
export function ReceiptList() {
  const trpc = useTRPC();
  const [search, setSearch] = useState('');
  const [type, setType] = useState('');
  const [repaired, setRepaired] = useState<Tri>('');
  const [fallback, setFallback] = useState<Tri>('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const deferredSearch = useDeferredValue(search.trim());
  const deferredType = useDeferredValue(type.trim());
  const input = {
    search: deferredSearch || undefined,
    type: deferredType || undefined,
    repaired: tri(repaired),
    fallback: tri(fallback),
    from: localDate(from),
    to: localDate(to),
    limit: 50,
  };
  const receipts = useInfiniteQuery({
    ...trpc.receipts.list.infiniteQueryOptions(input, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
    placeholderData: keepPreviousData,
  });
  const rows = receipts.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = Boolean(deferredSearch || deferredType || repaired || fallback || from || to);

  return (
    <Card>
      <form className="mb-4 grid gap-3 sm:grid-cols-2 lg:grid-cols-3" onSubmit={(e) => e.preventDefault()} aria-label="Filter receipts">
        <Field label="Trace id" hint="The beginning of a trace id is enough.">
          <Input type="search" value={search} onChange={(e) => setSearch(e.target.value)} className="font-mono" autoComplete="off" />
        </Field>
        <Field label="Payload or target type" hint="The exact type, e.g. invoice.iso20022.v1">
          <Input value={type} onChange={(e) => setType(e.target.value)} className="font-mono" autoComplete="off" />
        </Field>
        <div className="grid grid-cols-2 gap-3">
          <Field label="Repaired">
            <Select value={repaired} onChange={(e) => setRepaired(e.target.value as Tri)}>
              <option value="">Any</option>
              <option value="yes">Yes</option>
              <option value="no">No</option>
            </Select>
          </Field>
          <Field label="LLM fallback">
            <Select value={fallback} onChange={(e) => setFallback(e.target.value as Tri)}>
              <option value="">Any</option>
              <option value="yes">Yes</option>
              <option value="no">No</option>
            </Select>
          </Field>
        </div>
        <Field label="From (your time)">
          <Input type="datetime-local" step="1" value={from} onChange={(e) => setFrom(e.target.value)} />
        </Field>
        <Field label="Until (your time)">
          <Input type="datetime-local" step="1" value={to} onChange={(e) => setTo(e.target.value)} />
        </Field>
      </form>
      {receipts.isPending ? (
        <Spinner label="Loading receipts" />
      ) : receipts.isError ? (
        <Alert tone="error">Could not load receipts: {readableError(receipts.error)}</Alert>
      ) : rows.length === 0 ? (
        <EmptyState title={filtered ? 'No receipt matches these filters' : 'No receipts yet'}>
          {filtered ? 'Check the filters and try again.' : 'POST a tool call to /v1/exchange with one of your API keys; its receipt appears here.'}
        </EmptyState>
      ) : (
        <>
          <ul className="divide-y divide-slate-100 dark:divide-slate-800" aria-label="Receipts, newest first">
            {rows.map((r) => (
              <li key={r.id} className="flex flex-col gap-1 py-2 md:grid md:grid-cols-[minmax(0,2fr)_4rem_minmax(0,2fr)_minmax(0,2fr)_auto] md:items-center md:gap-3">
                <Link href={`/dashboard/receipts/${encodeURIComponent(r.traceId)}`} className="break-all font-mono text-xs font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                  {r.traceId}
                </Link>
                <span className="text-xs tabular-nums text-slate-600 dark:text-slate-400">hop {r.hop}</span>
                <span className="break-all font-mono text-xs text-slate-700 dark:text-slate-300">{r.targetType}</span>
                <span className="text-xs text-slate-600 dark:text-slate-400">
                  <DateTime value={r.createdAt} precise />
                </span>
                <span className="flex flex-wrap items-center gap-1">
                  {r.repaired && <Badge tone="amber">repaired</Badge>}
                  {r.fallback && <Badge tone="indigo">fallback</Badge>}
                  <span className="font-mono text-xs text-slate-500 dark:text-slate-400" title={r.receiptHash}>
                    {truncateMiddle(r.receiptHash, 10)}
                  </span>
                  <CopyButton value={r.receiptHash} label="Copy hash" className="px-2 py-0.5 text-xs" />
                </span>
              </li>
            ))}
          </ul>
          <div className="mt-4">
            {receipts.hasNextPage ? (
              <Button variant="secondary" onClick={() => void receipts.fetchNextPage()} disabled={receipts.isFetchingNextPage}>
                {receipts.isFetchingNextPage ? 'Loading…' : 'Load older receipts'}
              </Button>
            ) : (
              <p className="text-xs text-slate-500 dark:text-slate-400">That is every receipt matching these filters ({rows.length}).</p>
            )}
          </div>
        </>
      )}
    </Card>
  );
}
