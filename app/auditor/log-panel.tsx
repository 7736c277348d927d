'use client';
// This Signet's transparency log as it stands: size, newest checkpoint and its age, and the
// witnesses that cosigned it. Shown only when the log routes exist.
import { useQuery } from '@tanstack/react-query';
import { DateTime } from '@/components/date-time';
import { formatCount } from '@/components/format';
import { Badge, Spinner } from '@/components/ui';
import { verifyCosignature } from '@/server/transparency/cosignature';
import { parseVerifierKey, SIG_COSIGNATURE_V1 } from '@/server/transparency/note';
import { parseSignedCheckpoint } from '@/server/transparency/verify-log';

type LogState = { available: false } | { available: true; text: string; fetchedAt: number; lastModified: string | null };

async function fetchCheckpoint(): Promise<LogState> {
  const res = await fetch('/v1/log/checkpoint', { cache: 'no-store' });
  if (res.status === 404) return { available: false };
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return { available: true, text: await res.text(), fetchedAt: Date.now(), lastModified: res.headers.get('last-modified') };
}

function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? `${s} s ago` : s < 7200 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
}

export function LogPanel({ witnessKeys, paused }: { witnessKeys: string[]; paused: boolean }) {
  // Paused while a verification runs: the page promises that nothing is sent anywhere meanwhile.
  const state = useQuery({ queryKey: ['transparency-checkpoint'], queryFn: fetchCheckpoint, refetchInterval: paused ? false : 10_000, refetchOnWindowFocus: !paused });
  if (state.isPending) return <Spinner label="Reading the transparency log" />;
  if (state.isError) return <p className="text-sm text-red-700 dark:text-red-300">Could not read the transparency log: {state.error.message}</p>;
  if (!state.data.available) return <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="log-unavailable">The transparency log is not available on this Signet.</p>;

  const parsed = parseSignedCheckpoint(state.data.text);
  if (!parsed.ok) return <p className="text-sm text-red-700 dark:text-red-300">The log served an unreadable checkpoint: {parsed.reason}</p>;
  const { checkpoint, note } = parsed.value;
  const keys = witnessKeys.flatMap((k) => {
    const p = parseVerifierKey(k);
    return p.ok && p.value.type === SIG_COSIGNATURE_V1 ? [p.value] : [];
  });
  const cosignatures = note.signatures
    .filter((s) => s.signature.length === 72)
    .map((s) => {
      const key = keys.find((k) => k.name === s.name && k.keyId === s.keyId);
      const timestamp = Number(new DataView(s.signature.buffer, s.signature.byteOffset, 8).getBigUint64(0));
      const check = key ? verifyCosignature(checkpoint.text, s, key) : null;
      return { name: s.name, keyId: s.keyId, timestamp, verified: check?.ok ?? null };
    });
  const newest = state.data.lastModified ? Date.parse(state.data.lastModified) : Math.max(0, ...cosignatures.map((c) => c.timestamp * 1000));
  return (
    <div className="space-y-3 text-sm" data-testid="log-panel">
      <dl className="grid gap-3 sm:grid-cols-3">
        <div>
          <dt className="text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">Log size</dt>
          <dd className="mt-1 tabular-nums">{formatCount(checkpoint.size)} entries</dd>
        </div>
        <div className="min-w-0">
          <dt className="text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">Last checkpoint</dt>
          <dd className="mt-1 break-all font-mono text-xs">{checkpoint.rootBase64}</dd>
        </div>
        <div>
          <dt className="text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">Age</dt>
          <dd className="mt-1">{newest > 0 ? age(state.data.fetchedAt - newest) : 'unknown'}</dd>
        </div>
      </dl>
      {cosignatures.length === 0 ? (
        <p className="text-slate-600 dark:text-slate-400">No witness has cosigned this checkpoint yet.</p>
      ) : (
        <ul className="space-y-1">
          {cosignatures.map((c) => (
            <li key={`${c.name}+${c.keyId}`} className="flex flex-wrap items-center gap-2">
              <span className="font-mono text-xs">{c.name}</span>
              {c.verified === null ? <Badge>key not configured</Badge> : c.verified ? <Badge tone="green">cosignature valid</Badge> : <Badge tone="red">cosignature invalid</Badge>}
              <span className="text-xs text-slate-600 dark:text-slate-400">
                last cosigned <DateTime value={new Date(c.timestamp * 1000)} />
              </span>
            </li>
          ))}
        </ul>
      )}
      <p className="text-xs text-slate-500 dark:text-slate-400">Origin {checkpoint.origin}</p>
    </div>
  );
}
