'use client';
import { useLayoutEffect, useState } from 'react';
import { formatCount } from '@/components/format';
import { Table, Td, Th } from '@/components/table';
import { cx } from '@/components/cx';
import { Pager } from '@/components/pager';
import { Badge, Card } from '@/components/ui';
import type { BundleReport, HopReport, Verdict } from '@/server/receipts/verify';
import type { LogReport } from '@/server/transparency/verify-log';
import { LogResult } from './log-result';

const statusTone = { valid: 'green', unsigned: 'amber', invalid: 'red' } as const;
const verdictBox: Record<Verdict | 'FORK', string> = {
  VALID: 'bg-emerald-50 dark:bg-emerald-950/40 text-emerald-900 dark:text-emerald-200 ring-emerald-200 dark:ring-emerald-800',
  UNSIGNED: 'bg-amber-50 dark:bg-amber-950/40 text-amber-950 dark:text-amber-200 ring-amber-300 dark:ring-amber-800',
  INVALID: 'bg-red-50 dark:bg-red-950/40 text-red-900 dark:text-red-200 ring-red-200 dark:ring-red-800',
  FORK: 'bg-red-50 dark:bg-red-950/40 text-red-900 dark:text-red-200 ring-red-200 dark:ring-red-800',
};

/** What the page announces: the chain's verdict, unless the transparency log overrules it. */
function shownVerdict(report: BundleReport, log: LogReport): Verdict | 'FORK' {
  if (log.fork) return 'FORK';
  return log.valid ? report.verdict : 'INVALID';
}
const PAGE_SIZE = 100;

function Check({ ok, label }: { ok: boolean; label: string }) {
  return (
    <span className={cx('inline-flex items-center gap-1 text-sm font-medium', ok ? 'text-emerald-700 dark:text-emerald-300' : 'text-red-700 dark:text-red-300')}>
      <span aria-hidden>{ok ? '✓' : '✗'}</span>
      {label}
    </span>
  );
}

function hopLabel(h: { index: number | null; hop: number | null }) {
  if (h.hop !== null) return `hop ${h.hop}`;
  return h.index !== null ? `receipt #${h.index + 1}` : 'the bundle envelope';
}

export function VerificationResult({ report, bundleCid, log, startedAt }: { report: BundleReport; bundleCid: string | null; log: LogReport; startedAt: number }) {
  const shown = shownVerdict(report, log);
  const [elapsedMs, setElapsedMs] = useState<number | null>(null);
  const [onlyProblems, setOnlyProblems] = useState(false);
  const failingIndex = report.firstFailure?.index ?? null;
  // Open on the page that holds the first failure, so its highlighted row is in view.
  const [page, setPage] = useState(failingIndex === null ? 0 : Math.floor(failingIndex / PAGE_SIZE));
  // Click to result on screen: measured once the report's DOM is committed.
  useLayoutEffect(() => setElapsedMs(Math.round(performance.now() - startedAt)), [startedAt]);

  const failure = report.firstFailure;
  const listed: HopReport[] = onlyProblems ? report.hops.filter((h) => h.status !== 'valid') : report.hops;
  const pages = Math.max(1, Math.ceil(listed.length / PAGE_SIZE));
  const shownPage = Math.min(page, pages - 1);
  const rows = listed.slice(shownPage * PAGE_SIZE, (shownPage + 1) * PAGE_SIZE);

  return (
    <div className="space-y-6" data-testid="verification-result">
      <div role="status" className={cx('rounded-lg px-5 py-4 ring-1 ring-inset', verdictBox[shown])}>
        <p className="text-2xl font-bold tracking-tight" data-testid="verdict">
          {shown}
        </p>
        {report.verdict === 'UNSIGNED' && (
          <p className="mt-1 max-w-3xl text-sm" data-testid="unsigned-explanation">
            Every hash and link checks out, but no receipt carries a signature (older SR-1 receipts). This shows the chain is
            internally consistent and unchanged since its hashes were computed; it does not show who issued it, because anyone can
            compute these hashes.
            {report.bundle.signatureValid && ` The bundle’s own signature (key ${report.bundle.kid ?? '—'}) shows that the holder of that key exported these receipts.`}
          </p>
        )}
        <p className="mt-1 text-sm">
          {shown === 'VALID' && 'Every hash, link and signature checks out.'}
          {shown === 'FORK' && 'The transparency log shows two inconsistent histories.'}
          {shown === 'INVALID' && (report.verdict === 'INVALID' ? 'This bundle does not match what Signet signed.' : 'The receipts check out, but the transparency log proofs do not.')}{' '}
          <span data-testid="timing">
            Verified {formatCount(report.hops.length)} {report.hops.length === 1 ? 'hop' : 'hops'}
            {elapsedMs !== null && ` in ${elapsedMs} ms`}
          </span>
          , in this browser.
        </p>
      </div>

      {failure && (
        <div role="alert" className="rounded-md bg-white dark:bg-slate-900 px-4 py-3 text-sm ring-1 ring-inset ring-red-300 dark:ring-red-800" data-testid="first-failure">
          <p className="font-semibold text-red-800 dark:text-red-200">First failure: {hopLabel(failure)}</p>
          <p className="mt-1 text-slate-800 dark:text-slate-200">
            <code className="rounded bg-red-100 dark:bg-red-900/40 px-1 text-red-900 dark:text-red-200">{failure.code}</code> {failure.message}
          </p>
          {failingIndex !== null && (
            <a
              href={`#hop-row-${failingIndex}`}
              onClick={() => {
                setOnlyProblems(false);
                setPage(Math.floor(failingIndex / PAGE_SIZE));
              }}
              className="mt-2 inline-block font-medium text-indigo-700 dark:text-indigo-300 hover:underline"
            >
              Jump to {hopLabel(failure)} in the table
            </a>
          )}
        </div>
      )}

      <LogResult log={log} />

      <Card title="Bundle">
        <dl className="grid gap-4 text-sm sm:grid-cols-2">
          <div className="min-w-0">
            <dt className="text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">Trace</dt>
            <dd className="mt-1 break-all font-mono text-xs">{report.trace_id ?? '—'}</dd>
          </div>
          <div className="min-w-0">
            <dt className="text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">Bundle CID</dt>
            <dd className="mt-1 space-y-1">
              <span className="block break-all font-mono text-xs">{bundleCid ?? '—'}</span>
              <Check ok={report.bundle.cidValid} label={report.bundle.cidValid ? 'matches the chain' : 'does not match the chain'} />
            </dd>
          </div>
          <div className="min-w-0">
            <dt className="text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">Bundle signature</dt>
            <dd className="mt-1 space-y-1">
              <Check ok={report.bundle.signatureValid} label={report.bundle.signatureValid ? 'valid' : 'not valid'} />
              <span className="block text-xs text-slate-600 dark:text-slate-400">
                key <span className="font-mono">{report.bundle.kid ?? '—'}</span>
              </span>
            </dd>
          </div>
          {report.bundle.reason && (
            <div className="min-w-0">
              <dt className="text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">Bundle problem</dt>
              <dd className="mt-1 text-red-800 dark:text-red-200">
                <code className="rounded bg-red-100 dark:bg-red-900/40 px-1">{report.bundle.reason.code}</code> {report.bundle.reason.message}
              </dd>
            </div>
          )}
        </dl>
      </Card>

      <Card
        title={`Hops (${formatCount(report.hops.length)})`}
        actions={
          <label className="inline-flex items-center gap-2 text-sm text-slate-700 dark:text-slate-300">
            <input
              type="checkbox"
              checked={onlyProblems}
              onChange={(e) => {
                setOnlyProblems(e.target.checked);
                setPage(0);
              }} className="h-4 w-4 rounded border-slate-300 dark:border-slate-600" />
            Only hops with problems
          </label>
        }
      >
        {rows.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">{report.hops.length === 0 ? 'The bundle has no receipts.' : 'Every hop is valid.'}</p>
        ) : (
          <Table caption="Per-hop verification">
            <thead>
              <tr>
                <Th>Hop</Th>
                <Th>Status</Th>
                <Th>Key</Th>
                <Th>Problems</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {rows.map((h) => (
                <tr
                  key={h.index}
                  id={`hop-row-${h.index}`}
                  data-testid="hop-row"
                  aria-current={h.index === failingIndex ? 'true' : undefined}
                  className={cx(h.index === failingIndex && 'bg-red-50 dark:bg-red-950/40 outline outline-2 -outline-offset-2 outline-red-400')}
                >
                  <Td className="tabular-nums">{h.hop ?? `#${h.index + 1}`}</Td>
                  <Td>
                    <Badge tone={statusTone[h.status]}>{h.status}</Badge>
                    {h.index === failingIndex && <span className="ml-2 text-xs font-semibold text-red-700 dark:text-red-300">first failure</span>}
                  </Td>
                  <Td className="font-mono text-xs">{h.kid ?? '—'}</Td>
                  <Td>
                    {h.failed.length === 0 ? (
                      <span className="text-slate-500 dark:text-slate-400">none</span>
                    ) : (
                      <ul className="space-y-1">
                        {h.failed.map((f, i) => (
                          <li key={i} className="text-xs">
                            <code className="rounded bg-red-100 dark:bg-red-900/40 px-1 text-red-900 dark:text-red-200">{f.code}</code> <span className="text-slate-700 dark:text-slate-300">{f.message}</span>
                          </li>
                        ))}
                      </ul>
                    )}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        <Pager label="Hop pages" page={shownPage} pages={pages} onPage={setPage} className="mt-4" />
      </Card>
    </div>
  );
}
