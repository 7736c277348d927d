'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Alert, Button, ButtonLink, Card, Field, Select } from '@/components/ui';
import { downloadFile } from '@/lib/download';
import { readableError } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc-client';

function recentMonths(count: number): string[] {
  const now = new Date();
  return Array.from({ length: count }, (_, i) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1)).toISOString().slice(0, 7));
}

/**
 * Downloads the reconciliation report for a period as CSV or as signed JSON, and the usage ledger
 * behind it: every usage row, streamed by the API however large the period.
 */
export function ReconciliationDownload({ tenantId }: { tenantId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [period, setPeriod] = useState('current');
  const [busy, setBusy] = useState<'csv' | 'json' | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function download(format: 'csv' | 'json') {
    setBusy(format);
    setError(null);
    try {
      const file = await queryClient.fetchQuery({ ...trpc.billing.reconciliation.queryOptions({ period, format }), staleTime: 0 });
      downloadFile(file.filename, file.body, file.contentType);
    } catch (err) {
      setError(readableError(err));
    } finally {
      setBusy(null);
    }
  }

  const ledgerHref = (format: 'csv' | 'ndjson') => `/v1/billing/usage-ledger?${new URLSearchParams({ period, format, tenant: tenantId })}`;

  return (
    <Card title="Reconciliation report">
      <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">
        VEx and FU used against included or reserved units, overage by tier, and failed (never billed) exchanges. The JSON is signed like an export bundle: verify its
        <code className="mx-1 rounded bg-slate-100 dark:bg-slate-800 px-1">report_cid</code>signature against the JWKS.
      </p>
      <div className="flex flex-wrap items-end gap-3">
        <div className="w-48">
          <Field label="Period">
            <Select value={period} onChange={(e) => setPeriod(e.target.value)}>
              <option value="current">Current period</option>
              {recentMonths(12).map((month) => (
                <option key={month} value={month}>
                  {month}
                </option>
              ))}
            </Select>
          </Field>
        </div>
        <Button variant="secondary" disabled={busy !== null} onClick={() => void download('csv')}>
          {busy === 'csv' ? 'Preparing…' : 'Download CSV'}
        </Button>
        <Button variant="secondary" disabled={busy !== null} onClick={() => void download('json')}>
          {busy === 'json' ? 'Preparing…' : 'Download signed JSON'}
        </Button>
      </div>
      <p className="mb-3 mt-6 text-sm text-slate-600 dark:text-slate-400">
        The usage ledger behind the report: one row per VEx or FU record of the period, with its receipt hash and billing batch, in the order the API&apos;s
        <code className="mx-1 rounded bg-slate-100 dark:bg-slate-800 px-1">GET /v1/billing/usage-ledger</code>gives it.
      </p>
      <div className="flex flex-wrap gap-3">
        <ButtonLink variant="secondary" href={ledgerHref('csv')} download>
          Download usage ledger (CSV)
        </ButtonLink>
        <ButtonLink variant="secondary" href={ledgerHref('ndjson')} download>
          Download usage ledger (NDJSON)
        </ButtonLink>
      </div>
      {error && (
        <div className="mt-3">
          <Alert tone="error">{error}</Alert>
        </div>
      )}
    </Card>
  );
}
