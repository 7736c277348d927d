'use client';
import { useEffect, useRef, useState } from 'react';
import { Alert, Badge, ButtonLink, Card, Field, Input, Select } from '@/components/ui';
import type { UsageReport } from '@/server/usage-proof/verify';
import type { UsageWorkerMessage } from './usage-protocol';

type Outcome = { kind: 'report'; report: UsageReport; ms: number } | { kind: 'input-error'; message: string };

const count = (n: number) => n.toLocaleString('en-US');

/** The one-line verdict the page leads with. */
export function verdict(report: UsageReport): string {
  if (!report.valid) return `refused: ${report.failures[0]?.message ?? 'the bundle does not verify'}`;
  const provider = { matches: 'matches the invoice', pending: 'agrees with the invoice so far (some batches are not sent yet)', differs: 'differs from the invoice', absent: 'no invoice record to compare' }[report.provider];
  return `verified: ${count(report.units.vex)} VEx, $${report.total}, ${provider}`;
}

export function VerifyBill({ tenantId }: { tenantId: string }) {
  const [period, setPeriod] = useState('current');
  const [form, setForm] = useState<'compact' | 'receipts'>('compact');
  const worker = useRef<Worker | null>(null);
  const run = useRef<{ id: number; started: number } | null>(null);
  const [ready, setReady] = useState(false);
  const [progress, setProgress] = useState<{ bytes: number; total: number; lines: number } | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  useEffect(() => {
    const w = new Worker(new URL('./usage.worker.ts', import.meta.url), { type: 'module' });
    worker.current = w;
    w.onmessage = (event: MessageEvent<UsageWorkerMessage>) => {
      const message = event.data;
      if (message.type === 'ready') return setReady(true);
      const current = run.current;
      if (!current || message.id !== current.id) return;
      if (message.type === 'progress') return setProgress(message);
      run.current = null;
      setProgress(null);
      setOutcome(message.type === 'result' ? { kind: 'report', report: message.report, ms: performance.now() - current.started } : { kind: 'input-error', message: message.message });
    };
    return () => w.terminate();
  }, []);

  function verify(file: File | undefined) {
    if (!file || !worker.current || run.current) return;
    run.current = { id: Date.now(), started: performance.now() };
    setOutcome(null);
    worker.current.postMessage({ id: run.current.id, file });
  }

  const href = `/v1/billing/usage-proof?${new URLSearchParams({ period, form, tenant: tenantId })}`;
  return (
    <div className="space-y-6">
      <Card title="1. Download the usage proof">
        <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">
          The signed usage statement for the period and, for every receipt it bills, its place in the transparency log: one inclusion path per receipt, or (compact) the log
          tiles that cover your receipts. Also verifiable offline: <code className="rounded bg-slate-100 dark:bg-slate-800 px-1">npx signet-verify usage bundle.json --jwks … --log-key …</code>
        </p>
        <div className="flex flex-wrap items-end gap-3">
          <div className="w-48">
            <Field label="Period">
              <Select value={period} onChange={(e) => setPeriod(e.target.value)}>
                <option value="current">Current period</option>
                <option value="previous">Previous period</option>
              </Select>
            </Field>
          </div>
          <div className="w-56">
            <Field label="Proof form">
              <Select value={form} onChange={(e) => setForm(e.target.value as 'compact' | 'receipts')}>
                <option value="compact">Compact (log tiles)</option>
                <option value="receipts">Per receipt (inclusion paths)</option>
              </Select>
            </Field>
          </div>
          <ButtonLink href={href} download>
            Download usage proof
          </ButtonLink>
        </div>
      </Card>

      <Card title="2. Verify it">
        <div className="flex flex-wrap items-end gap-3">
          <Field label="Usage proof bundle (.json)">
            <Input type="file" accept="application/json,.json" disabled={!ready} onChange={(e) => verify(e.target.files?.[0])} />
          </Field>
          {!ready && <Badge>starting the verifier…</Badge>}
        </div>
        {progress && (
          <p className="mt-3 text-sm text-slate-600 dark:text-slate-400" role="status">
            Checking… {count(progress.lines)} lines, {Math.round((100 * progress.bytes) / Math.max(1, progress.total))} %
          </p>
        )}
        {outcome?.kind === 'input-error' && (
          <div className="mt-4">
            <Alert tone="error">{outcome.message}</Alert>
          </div>
        )}
        {outcome?.kind === 'report' && <ReportView report={outcome.report} ms={outcome.ms} />}
      </Card>
    </div>
  );
}

function ReportView({ report, ms }: { report: UsageReport; ms: number }) {
  return (
    <div className="mt-4 space-y-3" data-testid="usage-verdict">
      <Alert tone={report.valid ? (report.provider === 'differs' ? 'warning' : 'success') : 'error'}>
        <span className="font-medium">{verdict(report)}</span>
      </Alert>
      <dl className="grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-4">
        <dt className="text-slate-500 dark:text-slate-400">Receipts</dt>
        <dd>{count(report.receipts)}</dd>
        <dt className="text-slate-500 dark:text-slate-400">Batches</dt>
        <dd>{report.batches}</dd>
        <dt className="text-slate-500 dark:text-slate-400">FU tokens</dt>
        <dd>{count(report.units.fu)}</dd>
        <dt className="text-slate-500 dark:text-slate-400">Proofs</dt>
        <dd>{report.form ?? '—'}</dd>
        <dt className="text-slate-500 dark:text-slate-400">Pending (not billed yet)</dt>
        <dd>{report.pending ? `${count(report.pending.vex)} VEx, ${count(report.pending.fu)} FU` : '—'}</dd>
        <dt className="text-slate-500 dark:text-slate-400">Checked in</dt>
        <dd>{(ms / 1000).toFixed(2)} s</dd>
      </dl>
      {report.failures.length > 0 && (
        <ul className="list-disc space-y-1 pl-5 text-sm text-red-800 dark:text-red-200">
          {report.failures.map((f, i) => (
            <li key={i}>
              <span className="font-mono">{f.code}</span>: {f.message}
            </li>
          ))}
          {report.moreFailures > 0 && <li>… and {report.moreFailures} more</li>}
        </ul>
      )}
    </div>
  );
}
