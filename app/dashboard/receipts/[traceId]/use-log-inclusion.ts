'use client';
// Each hop's inclusion in the transparency log, proven in the browser: the proof route's answer
// is checked against its checkpoint, and the checkpoint against the log's key.
import { useQuery } from '@tanstack/react-query';
import { parseVerifierKey } from '@/server/transparency/note';
import { verifyBundleLog } from '@/server/transparency/verify-log';
import type { Receipt } from '@/server/receipts/types';

export type HopInclusion = { status: 'included'; leafIndex: number; treeSize: number } | { status: 'not-in-log' } | { status: 'invalid'; reason: string };
export type LogInclusion = { available: false } | { available: true; hops: HopInclusion[] };

async function proveHop(receipt: Receipt, logKey: string): Promise<HopInclusion> {
  const res = await fetch(`/v1/log/proof/inclusion?receipt_hash=${encodeURIComponent(receipt.receipt_hash)}`, { cache: 'no-store' });
  if (res.status === 404) return { status: 'not-in-log' };
  if (!res.ok) return { status: 'invalid', reason: `the log answered HTTP ${res.status}` };
  const proof = (await res.json()) as { leaf_index: number; tree_size: number; hashes: string[]; checkpoint: string };
  // The same checks as an exported bundle's `log` field, for this one hop.
  const report = verifyBundleLog({ chain: [receipt], log: { checkpoint: proof.checkpoint, proofs: [{ hop: receipt.hop, leaf_index: proof.leaf_index, hashes: proof.hashes }] } }, { logKey });
  const failure = report.failures[0];
  if (failure) return { status: 'invalid', reason: failure.message };
  if (report.checkpoint?.size !== proof.tree_size) return { status: 'invalid', reason: `tree_size ${proof.tree_size} is not the checkpoint's size ${report.checkpoint?.size}` };
  return { status: 'included', leafIndex: proof.leaf_index, treeSize: proof.tree_size };
}

export function useLogInclusion(chain: Receipt[]) {
  return useQuery({
    queryKey: ['log-inclusion', chain.at(-1)?.receipt_hash, chain.length],
    queryFn: async (): Promise<LogInclusion> => {
      const keyRes = await fetch('/v1/log/key', { cache: 'no-store' });
      if (keyRes.status === 404) return { available: false };
      if (!keyRes.ok) throw new Error(`could not fetch the log key (HTTP ${keyRes.status})`);
      const logKey = (await keyRes.text()).trim();
      const parsed = parseVerifierKey(logKey);
      if (!parsed.ok) throw new Error(`the log key is unusable: ${parsed.reason}`);
      return { available: true, hops: await Promise.all(chain.map((r) => proveHop(r, logKey))) };
    },
  });
}
