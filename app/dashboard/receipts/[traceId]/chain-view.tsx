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
import type { Receipt, RepairChangeKind } from '@/server/receipts/types';
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
              <p className="font-medium text-emerald-800 dark:text-emerald-200" data-testid="chain-verdict">
                <span aria-hidden>✓ </span>Verified in your browser: {chain.length} {chain.length === 1 ? 'hop' : 'hops'}, hashes linked, signatures valid.
              </p>
            ) : report!.verdict === 'UNSIGNED' ? (
              <div className="max-w-2xl text-amber-900 dark:text-amber-200" data-testid="chain-verdict">
                <p className="font-medium">UNSIGNED: {chain.length} {chain.length === 1 ? 'hop' : 'hops'}, hashes linked, but no receipt carries a signature.</p>
                <p className="mt-1">
                  This shows the chain is internally consistent; it does not show who issued it, because anyone can compute these hashes.
                </p>
              </div>
            ) : (
              <p className="font-medium text-red-800 dark:text-red-200" data-testid="chain-verdict">
                <span aria-hidden>✗ </span>Verification failed at hop {report!.firstFailure?.hop ?? '?'}: {report!.firstFailure?.code} — {report!.firstFailure?.message}
              </p>
            )}
          </div>
          <ExportButton traceId={traceId} />
        </div>
        {logNote && (
          <p className="mt-3 text-sm text-slate-600 dark:text-slate-400" data-testid="log-inclusion-note">
            {logNote}
          </p>
        )}
      </Card>
      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title" className="mb-2 text-sm font-semibold text-slate-900 dark:text-slate-100">
          Timeline, {chain.length} {chain.length === 1 ? 'hop' : 'hops'} (open a hop for its fields)
        </h2>
        <ol className="divide-y divide-slate-200 rounded-lg bg-white ring-1 ring-slate-200 dark:divide-slate-700 dark:bg-slate-900 dark:ring-slate-700">
          {chain.map((receipt, index) => (
            <li key={receipt.receipt_hash}>
              <HopItem receipt={receipt} check={report?.hops[index]} inclusion={inclusion.data?.available ? inclusion.data.hops[index] : undefined} />
            </li>
          ))}
        </ol>
      </section>
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
      {error && <p role="alert" className="text-xs text-red-700 dark:text-red-300">{error}</p>}
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
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="min-w-0 text-sm text-slate-800 dark:text-slate-200">{children}</dd>
    </div>
  );
}

function Hash({ value, label }: { value: string | null | undefined; label: string }) {
  if (!value) return <span className="text-slate-500 dark:text-slate-400">— (first hop)</span>;
  return (
    <span className="flex flex-wrap items-center gap-2">
      <span className="break-all font-mono text-xs" title={value}>
        {value}
      </span>
      <CopyButton value={value} label={`Copy ${label}`} className="px-2 py-0.5 text-xs" />
    </span>
  );
}

const REPAIR_KINDS: Record<RepairChangeKind, string> = {
  syntax: 'JSON syntax fixed (quotes, commas, brackets, comments)',
  normalized: 'value normalized (e.g. a number written as text)',
  renamed: 'field renamed to the schema’s name',
  restructured: 'value moved or reshaped to fit the schema',
  llm: 'rewritten by the LLM fallback',
};

/** What a repair changed, one line per JSON pointer. */
function RepairChanges({ repair }: { repair: NonNullable<Receipt['repair']> }) {
  return (
    <div>
      <p>{repair.method === 'llm' ? 'Repaired by the LLM fallback' : 'Repaired by deterministic rules (no tokens)'}: {repair.changes.length} {repair.changes.length === 1 ? 'change' : 'changes'}</p>
      {repair.changes.length > 0 && (
        <ul className="mt-1 space-y-0.5">
          {repair.changes.map((c, i) => (
            <li key={`${c.path}-${i}`} className="font-mono text-xs">
              <span className="text-slate-500 dark:text-slate-400">{c.path || '/'}</span> {REPAIR_KINDS[c.kind]}
            </li>
          ))}
        </ul>
      )}
    </div>
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

function HopItem({ receipt, check, inclusion }: { receipt: Receipt; check: HopReport | undefined; inclusion: HopInclusion | undefined }) {
  const f = receipt.forwarded;
  return (
    <details className="group">
      <summary className="flex cursor-pointer list-none flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2 text-sm hover:bg-slate-50 dark:hover:bg-slate-800">
        <span aria-hidden className="text-slate-400 dark:text-slate-500 transition-transform group-open:rotate-90">▸</span>
        <span className="w-14 font-medium tabular-nums text-slate-900 dark:text-slate-100">Hop {receipt.hop}</span>
        <span className="text-xs text-slate-600 dark:text-slate-400">
          <DateTime value={receipt.ts} precise />
        </span>
        <span className="font-mono text-xs text-slate-500 dark:text-slate-400" title={receipt.receipt_hash}>
          {truncateMiddle(receipt.receipt_hash, 10)}
        </span>
        <span className="ml-auto flex flex-wrap items-center gap-1">
          {receipt.repair && <Badge tone="amber">repaired{receipt.repair.method === 'llm' ? ' (LLM)' : ''}</Badge>}
          {receipt.fallback_used && <Badge tone="indigo">{formatCount(receipt.fu_tokens ?? 0)} FU</Badge>}
          {f && <Badge tone={'status_code' in f ? 'slate' : 'red'}>forwarded</Badge>}
          {inclusion && <InclusionBadge inclusion={inclusion} />}
          <VerifyBadge check={check} />
        </span>
      </summary>
      <div className="border-t border-slate-100 px-3 pb-3 dark:border-slate-800">
        <dl className="divide-y divide-slate-100 dark:divide-slate-800">
          <Row label="Types">
            <span className="font-mono text-xs">
              {receipt.payload_type} → {receipt.target_type}
            </span>
          </Row>
          <Row label="cid">
            <Hash value={receipt.cid} label="cid" />
          </Row>
          <Row label="receipt_hash">
            <Hash value={receipt.receipt_hash} label="receipt hash" />
          </Row>
          <Row label="prev_receipt_hash">
            <Hash value={receipt.prev_receipt_hash} label="previous hash" />
          </Row>
          <Row label="kid">{receipt.kid ? <span className="font-mono text-xs">{receipt.kid}</span> : <span className="text-slate-500 dark:text-slate-400">unsigned</span>}</Row>
          <Row label="Signature">
            {receipt.sig ? (
              <span className="flex flex-wrap items-center gap-2">
                <span className="font-mono text-xs" title={receipt.sig}>
                  {truncateMiddle(receipt.sig, 16)}
                </span>
                <CopyButton value={receipt.sig} label="Copy signature" className="px-2 py-0.5 text-xs" />
              </span>
            ) : (
              <span className="text-slate-500 dark:text-slate-400">—</span>
            )}
          </Row>
          <Row label="Repair">{receipt.repair ? <RepairChanges repair={receipt.repair} /> : 'none: the arguments were valid as sent'}</Row>
          <Row label="Policy">
            HEL {receipt.policy.allowed ? 'allowed' : 'denied'} ({receipt.policy.reason})
          </Row>
          <Row label="Forwarded">
            {!f ? (
              <span className="text-slate-500 dark:text-slate-400">not forwarded</span>
            ) : 'status_code' in f ? (
              <span className="break-all">
                {f.url} → HTTP {f.status_code}, {formatCount(f.response_size)} bytes via {f.pinned_ip}
              </span>
            ) : (
              <span className="break-all text-red-800 dark:text-red-300">
                {f.url} → {f.error}
              </span>
            )}
          </Row>
          <Row label="LLM fallback">{receipt.fallback_used ? `used, ${formatCount(receipt.fu_tokens ?? 0)} FU` : 'not used'}</Row>
          {check?.status === 'invalid' && (
            <Row label="Problems">
              <ul className="list-disc pl-4 text-red-800 dark:text-red-300">
                {check.failed.map((failure) => (
                  <li key={failure.code}>
                    <span className="font-mono">{failure.code}</span>: {failure.message}
                  </li>
                ))}
              </ul>
            </Row>
          )}
        </dl>
        <details className="mt-3 rounded-md bg-slate-50 ring-1 ring-slate-200 dark:bg-slate-800 dark:ring-slate-700">
          <summary className="cursor-pointer px-3 py-2 text-sm font-medium text-slate-800 dark:text-slate-200">Normalized payload</summary>
          <pre className="max-h-96 overflow-auto px-3 pb-3 text-xs text-slate-800 dark:text-slate-200">{prettyCanon(receipt.canon)}</pre>
        </details>
      </div>
    </details>
  );
}
