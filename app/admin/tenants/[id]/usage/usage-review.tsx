'use client';
import { useQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import Link from 'next/link';
import { useState, type ReactNode } from 'react';
import { DateTime } from '@/components/date-time';
import { formatCount, truncateMiddle } from '@/components/format';
import { Table, Td, Th } from '@/components/table';
import { Alert, Badge, Card, EmptyState, Field, PageHeader, Select, Spinner } from '@/components/ui';
import { readableError } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc-client';
import type { AppRouter } from '@/trpc/root';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="mt-1 text-sm text-slate-900 dark:text-slate-100">{children}</dd>
    </div>
  );
}

const day = (iso: string) => iso.slice(0, 10);

/** One tenant's usage statement for a period, re-verified server-side, and any drift. */
export function UsageReviewView({ id, initialPeriod }: { id: string; initialPeriod: string }) {
  const trpc = useTRPC();
  const [period, setPeriod] = useState(initialPeriod);
  const review = useQuery({ ...trpc.admin.usageReview.queryOptions({ tenantId: id, period }), retry: false });
  // Named for the reader; the id until the name arrives (the tenant page has usually loaded it).
  const tenant = useQuery(trpc.admin.tenant.queryOptions({ id }));
  const name = tenant.data?.name ?? id;
  const stored = review.data?.storedPeriods ?? [];
  const choices = [...new Set(['current', 'previous', ...stored, period])];

  return (
    <div className="space-y-6">
      <Link href={`/admin/tenants/${encodeURIComponent(id)}`} className="text-sm font-medium text-indigo-700 dark:text-indigo-300 hover:underline">
        ← {name}
      </Link>
      <PageHeader
        title={`Usage statements: ${name}`}
        description={
          <>
            The signed statement of a billing period, re-verified with the checks <span className="font-mono">signet-verify usage</span> runs, and any drift between the
            statement, the usage ledger and its rollups, and what the billing outbox sent.
          </>
        }
        actions={
          <Field label="Period">
            <Select value={period} onChange={(e) => setPeriod(e.target.value)}>
              {choices.map((c) => (
                <option key={c} value={c}>
                  {c === 'current' ? 'Current period' : c === 'previous' ? 'Previous period' : `Period from ${c}`}
                </option>
              ))}
            </Select>
          </Field>
        }
      />
      {review.isPending ? (
        <Spinner label="Building and verifying the statement" />
      ) : review.isError ? (
        <Alert tone="error">Could not review this period: {readableError(review.error)}</Alert>
      ) : (
        <ReviewBody review={review.data} />
      )}
    </div>
  );
}

type Review = inferRouterOutputs<AppRouter>['admin']['usageReview'];

function ReviewBody({ review }: { review: Review }) {
  const s = review.statement?.statement ?? null;
  const v = review.verification;
  return (
    <>
      <Card
        title={`Statement, ${day(review.period.start.toISOString())} to ${day(review.period.end.toISOString())}`}
        actions={review.closed ? <Badge tone={review.stored ? 'slate' : 'amber'}>{review.stored ? 'closed · stored' : 'closed · not yet complete'}</Badge> : <Badge tone="indigo">open</Badge>}
      >
        {!s ? (
          <Alert tone="error">No statement could be built: {review.statementError}</Alert>
        ) : (
          <div className="space-y-4">
            <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4">
              <Fact label="VEx counted">{formatCount(s.meters.vex.units)}</Fact>
              <Fact label="FU tokens counted">{formatCount(s.meters.fu.units)}</Fact>
              <Fact label="Pending (not yet in the log)">
                {formatCount(s.pending_units.vex)} VEx, {formatCount(s.pending_units.fu)} FU
              </Fact>
              <Fact label="Total">${s.total}</Fact>
              <Fact label="Tariff">
                version {s.tariff.version}, {s.tariff.plan ?? 'no plan'} ({s.tariff.basis})
              </Fact>
              <Fact label="Tariff in force from">
                <DateTime value={new Date(s.tariff.effective_from)} />
              </Fact>
              <Fact label="Log checkpoint">tree size {formatCount(Number(s.checkpoint.split('\n')[1]))}</Fact>
              <Fact label="Statement CID">
                <span className="font-mono text-xs">{truncateMiddle(review.statement!.statement_cid)}</span>
              </Fact>
            </dl>
            {s.batches.length === 0 ? (
              <EmptyState title="No batches">Nothing was counted in this period.</EmptyState>
            ) : (
              <Table caption="Batches">
                <thead>
                  <tr>
                    <Th>Meter</Th>
                    <Th>Root</Th>
                    <Th className="text-right">Units</Th>
                    <Th>Log leaves</Th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
                  {s.batches.map((b) => (
                    <tr key={`${b.meter}:${b.root}:${b.first_leaf}`}>
                      <Td>{b.meter}</Td>
                      <Td className="font-mono text-xs">{b.root ? truncateMiddle(b.root) : '—'}</Td>
                      <Td className="text-right tabular-nums">{formatCount(b.units)}</Td>
                      <Td className="tabular-nums">{b.first_leaf === null ? '—' : `${formatCount(b.first_leaf)}–${formatCount(b.last_leaf ?? b.first_leaf)}`}</Td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            )}
          </div>
        )}
      </Card>

      <Card title="Verification" actions={v ? <Badge tone={v.valid ? 'green' : 'red'}>{v.valid ? 'verified' : 'refused'}</Badge> : <Badge tone="slate">not run</Badge>}>
        {!v ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">Without a statement there is nothing to verify.</p>
        ) : v.valid ? (
          <p className="text-sm text-slate-700 dark:text-slate-300" data-testid="usage-review-verdict">
            Verified: {formatCount(v.receipts)} receipts in {formatCount(v.batches)} batches, {formatCount(v.units.vex)} VEx and {formatCount(v.units.fu)} FU tokens, ${v.total}; the billing provider{' '}
            {{ matches: 'matches', pending: 'agrees so far (some batches are not sent yet)', absent: 'has no record', differs: 'differs' }[v.provider]}.
          </p>
        ) : (
          <ul className="space-y-1 text-sm text-red-800 dark:text-red-200" data-testid="usage-review-verdict">
            {v.failures.map((f, i) => (
              <li key={i}>
                <span className="font-mono text-xs">{f.code}</span>: {f.message}
              </li>
            ))}
            {v.moreFailures > 0 && <li>… and {formatCount(v.moreFailures)} more</li>}
          </ul>
        )}
      </Card>

      <Card title="Drift" actions={<Badge tone={review.drift.length === 0 ? 'green' : 'red'}>{review.drift.length === 0 ? 'none' : `${review.drift.length} found`}</Badge>}>
        {review.drift.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">The statement, the usage ledger, its rollups and the billing outbox agree.</p>
        ) : (
          <Table caption="Drift">
            <thead>
              <tr>
                <Th>Between</Th>
                <Th>Meter</Th>
                <Th>Batch</Th>
                <Th className="text-right">Expected</Th>
                <Th className="text-right">Found</Th>
                <Th>What differs</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {review.drift.map((d, i) => (
                <tr key={i}>
                  <Td>statement ↔ {d.source}</Td>
                  <Td>{d.meter}</Td>
                  <Td className="font-mono text-xs">{d.batch ? truncateMiddle(d.batch) : '—'}</Td>
                  <Td className="text-right tabular-nums">{formatCount(BigInt(d.expected))}</Td>
                  <Td className="text-right tabular-nums">{formatCount(BigInt(d.actual))}</Td>
                  <Td>{d.message}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
    </>
  );
}
