'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { CopyButton } from '@/components/copy-button';
import { DateTime } from '@/components/date-time';
import { formatCount, truncateMiddle } from '@/components/format';
import { Alert, Badge, Button, Card, Spinner } from '@/components/ui';
import { downloadFile } from '@/lib/download';
import { readableError } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc-client';
import type { Receipt } from '@/server/receipts/types';
import { verifyChain, type ChainReport, type HopReport } from '@/server/receipts/verify';
import { useLogInclusion, type HopInclusion } from './use-log-inclusion';

/** Verifies the chain in the browser against the published JWKS: nothing is taken on trust. */
function useBrowserVerification(chain: Receipt[]) {
  const trpc = useTRPC();
  const recordVerified = useMutation(trpc.overview.receiptVerified.mutationOptions());
  return useQuery({
    queryKey: ['browser-verify', chain.at(-1)?.receipt_hash, chain.length],
    staleTime: Infinity,
    queryFn: async (): Promise<ChainReport> => {
      const res = await fetch('/.well-known/jwks.json', { cache: 'no-store' });
      if (!res.ok) throw new Error(`could not fetch the JWKS (HTTP ${res.status})`);
      const report = verifyChain(chain, await res.json());
      // A getting-started step: the tenant has seen a receipt verify.
      if (report.verdict === 'VALID') recordVerified.mutate();
      return report;
    },
  });
}

export function ChainView({ traceId, chain }: { traceId: string; chain: Receipt[] }) {
  const verification = useBrowserVerification(chain);
  const report = verification.data;
  const inclusion = useLogInclusion(chain);
  const logNote = inclusion.isPending ? null : inclusion.isError ? `Transparency log: ${readableError(inclusion.error)}` : !inclusion.data.available ? 'The transparency log is not available on this Signet.' : null;
  return (
    <div className="space-y-6">
      <Card>
        <div className="flex flex-wrap items-center justify-between gap-4">
          <div aria-live="polite" className="text-sm">
            {verification.isPending ? (
              <Spinner label="Verifying in your browser" />
            ) : verification.isError ? (
              <Alert tone="error">Browser verification failed: {readableError(verification.error)}</Alert>
            ) : report!.verdict === 'VALID' ? (
              <p className="font-medium text-emerald-800" data-testid="chain-verdict">
                <span aria-hidden>✓ </span>Verified in your browser: {chain.length} {chain.length === 1 ? 'hop' : 'hops'}, hashes linked, signatures valid.
              </p>
            ) : report!.verdict === 'UNSIGNED' ? (
              <div className="max-w-2xl text-amber-900" data-testid="chain-verdict">
                <p className="font-medium">UNSIGNED: {chain.length} {chain.length === 1 ? 'hop' : 'hops'}, hashes linked, but no receipt carries a signature.</p>
                <p className="mt-1">
                  This shows the chain is internally consistent; it does not show who issued it, because anyone can compute these hashes.
                </p>
              </div>
            ) : (
              <p className="font-medium text-red-800" data-testid="chain-verdict">
                <span aria-hidden>✗ </span>Verification failed at hop {report!.firstFailure?.hop ?? '?'}: {report!.firstFailure?.code} — {report!.firstFailure?.message}
              </p>
            )}
          </div>
          <ExportButton traceId={traceId} />
        </div>
        {logNote && (
          <p className="mt-3 text-sm text-slate-600" data-testid="log-inclusion-note">
            {logNote}
          </p>
        )}
      </Card>
      <ol className="space-y-4">
        {chain.map((receipt, index) => (
          <li key={receipt.receipt_hash}>
            <HopCard receipt={receipt} check={report?.hops[index]} inclusion={inclusion.data?.available ? inclusion.data.hops[index] : undefined} />
          </li>
        ))}
      </ol>
    </div>
  );
}

function ExportButton({ traceId }: { traceId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function download() {
    setBusy(true);
    setError(null);
    try {
      const bundle = await queryClient.fetchQuery({ ...trpc.receipts.exportBundle.queryOptions({ traceId }), staleTime: 0 });
      downloadFile(`signet-${traceId}.json`, JSON.stringify(bundle, null, 2));
    } catch (err) {
      setError(readableError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="flex flex-col items-end gap-1">
      <Button onClick={download} disabled={busy}>
        {busy ? 'Exporting…' : 'Export bundle'}
      </Button>
      {error && <p role="alert" className="text-xs text-red-700">{error}</p>}
    </div>
  );
}

function VerifyBadge({ check }: { check: HopReport | undefined }) {
  if (!check) return <Badge>checking…</Badge>;
  if (check.status === 'valid') return <Badge tone="green">✓ valid</Badge>;
  if (check.status === 'unsigned') return <Badge tone="amber">unsigned</Badge>;
  return <Badge tone="red">✗ {check.failed[0]?.code ?? 'invalid'}</Badge>;
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid gap-1 py-1.5 sm:grid-cols-[11rem_1fr]">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="min-w-0 text-sm text-slate-800">{children}</dd>
    </div>
  );
}

function Hash({ value }: { value: string | null | undefined }) {
  if (!value) return <span className="text-slate-500">— (first hop)</span>;
  return (
    <span className="break-all font-mono text-xs" title={value}>
      {value}
    </span>
  );
}

function prettyCanon(canon: string): string {
  try {
    return JSON.stringify(JSON.parse(canon), null, 2);
  } catch {
    return canon;
  }
}

function InclusionBadge({ inclusion }: { inclusion: HopInclusion }) {
  if (inclusion.status === 'included') return <Badge tone="green">in the log at index {formatCount(inclusion.leafIndex)}</Badge>;
  if (inclusion.status === 'not-in-log') return <Badge tone="amber">not yet in the log</Badge>;
  return (
    <span title={inclusion.reason}>
      <Badge tone="red">✗ log proof invalid</Badge>
    </span>
  );
}

function HopCard({ receipt, check, inclusion }: { receipt: Receipt; check: HopReport | undefined; inclusion: HopInclusion | undefined }) {
  const f = receipt.forwarded;
  return (
    <Card
      title={`Hop ${receipt.hop}`}
      actions={
        <span className="flex flex-wrap items-center gap-2">
          {inclusion && <InclusionBadge inclusion={inclusion} />}
          <VerifyBadge check={check} />
        </span>
      }
    >
      <dl className="divide-y divide-slate-100">
        <Row label="Time">
          <DateTime value={receipt.ts} />
        </Row>
        <Row label="Types">
          <span className="font-mono text-xs">
            {receipt.payload_type} → {receipt.target_type}
          </span>
        </Row>
        <Row label="cid">
          <Hash value={receipt.cid} />
        </Row>
        <Row label="receipt_hash">
          <Hash value={receipt.receipt_hash} />
        </Row>
        <Row label="prev_receipt_hash">
          <Hash value={receipt.prev_receipt_hash} />
        </Row>
        <Row label="kid">{receipt.kid ? <span className="font-mono text-xs">{receipt.kid}</span> : <span className="text-slate-500">unsigned</span>}</Row>
        <Row label="Signature">
          {receipt.sig ? (
            <span className="flex flex-wrap items-center gap-2">
              <span className="font-mono text-xs" title={receipt.sig}>
                {truncateMiddle(receipt.sig, 16)}
              </span>
              <CopyButton value={receipt.sig} label="Copy signature" />
            </span>
          ) : (
            <span className="text-slate-500">—</span>
          )}
        </Row>
        <Row label="Policy">
          HEL {receipt.policy.allowed ? 'allowed' : 'denied'} ({receipt.policy.reason})
        </Row>
        <Row label="Forwarded">
          {!f ? (
            <span className="text-slate-500">not forwarded</span>
          ) : 'status_code' in f ? (
            <span className="break-all">
              {f.url} → HTTP {f.status_code}, {formatCount(f.response_size)} bytes via {f.pinned_ip}
            </span>
          ) : (
            <span className="break-all text-red-800">
              {f.url} → {f.error}
            </span>
          )}
        </Row>
        <Row label="LLM fallback">
          {receipt.fallback_used ? `used, ${formatCount(receipt.fu_tokens ?? 0)} FU` : 'not used'}
        </Row>
        {check?.status === 'invalid' && (
          <Row label="Problems">
            <ul className="list-disc pl-4 text-red-800">
              {check.failed.map((failure) => (
                <li key={failure.code}>
                  <span className="font-mono">{failure.code}</span>: {failure.message}
                </li>
              ))}
            </ul>
          </Row>
        )}
      </dl>
      <details className="mt-3 rounded-md bg-slate-50 ring-1 ring-slate-200">
        <summary className="cursor-pointer px-3 py-2 text-sm font-medium text-slate-800">Normalized payload</summary>
        <pre className="max-h-96 overflow-auto px-3 pb-3 text-xs text-slate-800">{prettyCanon(receipt.canon)}</pre>
      </details>
    </Card>
  );
}
