'use client';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useDeferredValue, useState } from 'react';
import { CopyButton } from '@/components/copy-button';
import { DateTime } from '@/components/date-time';
import { Drawer } from '@/components/drawer';
import { truncateMiddle } from '@/components/format';
import { Alert, Badge, Button, Card, EmptyState, Field, Input, Select, Spinner } from '@/components/ui';
import { readableError } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc-client';
import type { RequestRow } from '@/server/requestlog/repository';

type Outcome = '' | 'success' | 'refused' | 'replay';

const ms = (n: number) => `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`;

function StatusBadge({ row }: { row: RequestRow }) {
  if (row.replay) return <Badge tone="indigo">{row.status} replay</Badge>;
  return <Badge tone={row.status < 400 ? 'green' : row.status === 429 ? 'amber' : 'red'}>{row.status}</Badge>;
}

function keyLabel(row: RequestRow) {
  return row.apiKeyName ? `${row.apiKeyName} (${row.apiKeyPrefix})` : row.apiKeyId;
}

/** A datetime-local value (the reader's time) as a Date, or undefined. */
function localDate(value: string): Date | undefined {
  const d = value ? new Date(value) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
}

export function RequestLog() {
  const trpc = useTRPC();
  const [outcome, setOutcome] = useState<Outcome>('');
  const [code, setCode] = useState('');
  const [apiKeyId, setApiKeyId] = useState('');
  const [type, setType] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [open, setOpen] = useState<RequestRow | null>(null);
  const deferredType = useDeferredValue(type.trim());

  const codes = useQuery(trpc.requests.codes.queryOptions());
  const keys = useQuery(trpc.apiKeys.list.queryOptions());
  const input = {
    outcome: outcome || undefined,
    code: code || undefined,
    apiKeyId: apiKeyId || undefined,
    type: deferredType || undefined,
    from: localDate(from),
    to: localDate(to),
    limit: 50,
  };
  const log = useInfiniteQuery({
    ...trpc.requests.list.infiniteQueryOptions(input, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
    placeholderData: keepPreviousData,
  });
  const rows = log.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = Boolean(outcome || code || apiKeyId || deferredType || from || to);

  return (
    <Card>
      <form className="mb-4 grid gap-3 sm:grid-cols-2 lg:grid-cols-3" onSubmit={(e) => e.preventDefault()} aria-label="Filter requests">
        <Field label="Outcome">
          <Select value={outcome} onChange={(e) => setOutcome(e.target.value as Outcome)}>
            <option value="">All</option>
            <option value="success">Succeeded</option>
            <option value="refused">Refused (4xx/5xx)</option>
            <option value="replay">Replays</option>
          </Select>
        </Field>
        <Field label="Error code">
          <Select value={code} onChange={(e) => setCode(e.target.value)}>
            <option value="">Any</option>
            {(codes.data ?? []).map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="API key">
          <Select value={apiKeyId} onChange={(e) => setApiKeyId(e.target.value)}>
            <option value="">Any</option>
            {(keys.data ?? []).map((k) => (
              <option key={k.id} value={k.id}>
                {k.name} ({k.prefix})
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Payload or target type" hint="The exact type, e.g. invoice.iso20022.v1">
          <Input value={type} onChange={(e) => setType(e.target.value)} className="font-mono" autoComplete="off" />
        </Field>
        <Field label="From (your time)">
          <Input type="datetime-local" step="1" value={from} onChange={(e) => setFrom(e.target.value)} />
        </Field>
        <Field label="Until (your time)">
          <Input type="datetime-local" step="1" value={to} onChange={(e) => setTo(e.target.value)} />
        </Field>
      </form>

      {log.isPending ? (
        <Spinner label="Loading requests" />
      ) : log.isError ? (
        <Alert tone="error">Could not load the request log: {readableError(log.error)}</Alert>
      ) : rows.length === 0 ? (
        <EmptyState title={filtered ? 'No request matches these filters' : 'No requests yet'}>
          {filtered ? 'Widen the filters or the time range.' : 'Requests to /v1/exchange made with your API keys appear here, refused ones included.'}
        </EmptyState>
      ) : (
        <>
          {/* Wide screens: a table. Phones: one card per request. */}
          <div className="hidden md:block">
            <table className="min-w-full divide-y divide-slate-200 text-sm dark:divide-slate-700">
              <caption className="sr-only">Requests, newest first</caption>
              <thead>
                <tr className="text-left text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">
                  <th scope="col" className="px-2 py-2">Time</th>
                  <th scope="col" className="px-2 py-2">Status</th>
                  <th scope="col" className="px-2 py-2">Key</th>
                  <th scope="col" className="px-2 py-2">Target type</th>
                  <th scope="col" className="px-2 py-2">Repair / FU</th>
                  <th scope="col" className="px-2 py-2 text-right">Total / added</th>
                  <th scope="col" className="px-2 py-2"><span className="sr-only">Details</span></th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
                {rows.map((r) => (
                  <tr key={r.id} className="text-slate-700 dark:text-slate-300">
                    <td className="whitespace-nowrap px-2 py-2 text-xs"><DateTime value={r.occurredAt} precise /></td>
                    <td className="px-2 py-2">
                      <StatusBadge row={r} />
                      {r.errorCode && <span className="ml-1 font-mono text-xs">{r.errorCode}</span>}
                    </td>
                    <td className="px-2 py-2 text-xs">{keyLabel(r)}</td>
                    <td className="px-2 py-2 font-mono text-xs">{r.targetType ?? '—'}</td>
                    <td className="px-2 py-2 text-xs">
                      {r.repair ?? '—'}
                      {r.fuTokens > 0 && ` · ${r.fuTokens} FU`}
                    </td>
                    <td className="whitespace-nowrap px-2 py-2 text-right text-xs tabular-nums">
                      {ms(r.totalMs)} / {ms(r.addedMs)}
                    </td>
                    <td className="px-2 py-2 text-right">
                      <Button variant="secondary" className="px-2 py-1 text-xs" onClick={() => setOpen(r)} aria-label={`Details of the request at ${r.occurredAt}`}>
                        Details
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ul className="space-y-2 md:hidden" aria-label="Requests, newest first">
            {rows.map((r) => (
              <li key={r.id} className="rounded-md p-3 ring-1 ring-slate-200 dark:ring-slate-700">
                <div className="flex items-center justify-between gap-2">
                  <div className="min-w-0">
                    <StatusBadge row={r} /> {r.errorCode && <span className="break-all font-mono text-xs">{r.errorCode}</span>}
                  </div>
                  <Button variant="secondary" className="px-2 py-1 text-xs" onClick={() => setOpen(r)} aria-label={`Details of the request at ${r.occurredAt}`}>
                    Details
                  </Button>
                </div>
                <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
                  <DateTime value={r.occurredAt} precise /> · {ms(r.totalMs)} total, {ms(r.addedMs)} added
                </p>
                <p className="mt-1 break-all font-mono text-xs text-slate-600 dark:text-slate-400">{r.targetType ?? 'type unknown'} · {keyLabel(r)}</p>
              </li>
            ))}
          </ul>
          <div className="mt-4 flex items-center gap-3">
            {log.hasNextPage ? (
              <Button variant="secondary" onClick={() => void log.fetchNextPage()} disabled={log.isFetchingNextPage}>
                {log.isFetchingNextPage ? 'Loading…' : 'Load older requests'}
              </Button>
            ) : (
              <p className="text-xs text-slate-500 dark:text-slate-400">That is every request matching these filters ({rows.length}).</p>
            )}
          </div>
        </>
      )}
      <Drawer open={open !== null} title="Request details" onClose={() => setOpen(null)}>
        {open && <RequestDetail row={open} />}
      </Drawer>
    </Card>
  );
}

function RequestDetail({ row }: { row: RequestRow }) {
  const trpc = useTRPC();
  const detail = useQuery(trpc.requests.detail.queryOptions({ id: row.id }));
  const facts: [string, React.ReactNode][] = [
    ['Time', <DateTime key="t" value={row.occurredAt} precise />],
    ['Status', <StatusBadge key="s" row={row} />],
    ['Error code', row.errorCode ?? '—'],
    ['API key', keyLabel(row)],
    ['Payload type', row.payloadType ?? '—'],
    ['Target type', row.targetType ?? '—'],
    ['Repair', row.repair ?? 'none'],
    ['Fallback tokens (FU)', String(row.fuTokens)],
    ['Latency, total', ms(row.totalMs)],
    ['Latency added by Signet', ms(row.addedMs)],
  ];
  return (
    <>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
        {facts.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="text-slate-500 dark:text-slate-400">{k}</dt>
            <dd className="break-all text-slate-900 dark:text-slate-100">{v}</dd>
          </div>
        ))}
      </dl>
      {row.errorMessage && (
        <div>
          <h3 className="text-sm font-semibold">Error message</h3>
          <p className="mt-1 whitespace-pre-wrap break-words rounded bg-red-50 p-2 font-mono text-xs text-red-900 dark:bg-red-950 dark:text-red-100">{row.errorMessage}</p>
        </div>
      )}
      {row.traceId && (
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <span className="text-slate-500 dark:text-slate-400">Trace</span>
          <Link href={`/dashboard/receipts/${encodeURIComponent(row.traceId)}`} className="break-all font-mono text-xs text-indigo-700 hover:underline dark:text-indigo-300">
            {row.traceId}
          </Link>
          <CopyButton value={row.traceId} label="Copy trace id" className="px-2 py-1 text-xs" />
        </div>
      )}
      <div>
        <h3 className="text-sm font-semibold">Receipt</h3>
        {detail.isPending ? (
          <Spinner label="Loading the receipt" />
        ) : detail.isError ? (
          <Alert tone="error">{readableError(detail.error)}</Alert>
        ) : detail.data.receipt ? (
          <>
            <p className="mt-1 flex flex-wrap items-center gap-2 font-mono text-xs" title={row.receiptHash ?? ''}>
              {truncateMiddle(row.receiptHash ?? '', 16)}
              <CopyButton value={row.receiptHash ?? ''} label="Copy receipt hash" className="px-2 py-1 text-xs" />
            </p>
            <pre className="mt-2 max-h-96 overflow-auto rounded bg-slate-50 p-2 text-xs dark:bg-slate-800">{JSON.stringify(detail.data.receipt, null, 2)}</pre>
          </>
        ) : (
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{row.replay ? 'A replay answers with the stored response of the first request; it writes no receipt.' : 'No receipt: the request was refused, so nothing was recorded or billed.'}</p>
        )}
      </div>
    </>
  );
}
