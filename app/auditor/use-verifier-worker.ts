'use client';
// Owns the verification worker: started when the page opens (so verifying later needs no
// network at all), one verification at a time.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { BundleReport } from '@/server/receipts/verify';
import { parseSignedCheckpoint, type LogReport } from '@/server/transparency/verify-log';
import type { LogRequest, WorkerMessage } from './verify-protocol';

/** Checkpoints this browser verified, by log origin: the next bundle must be consistent with them. */
const SEEN_KEY = 'signet.transparency.seen-checkpoints';

export function seenCheckpoints(): Record<string, string> {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(SEEN_KEY) ?? '{}');
    return typeof value === 'object' && value !== null ? (value as Record<string, string>) : {};
  } catch {
    return {};
  }
}

function rememberCheckpoint(log: LogReport) {
  const parsed = log.latest ? parseSignedCheckpoint(log.latest) : null;
  if (!parsed?.ok || !log.latest) return;
  localStorage.setItem(SEEN_KEY, JSON.stringify({ ...seenCheckpoints(), [parsed.value.checkpoint.origin]: log.latest }));
}

export type Outcome =
  | { kind: 'report'; report: BundleReport; bundleCid: string | null; log: LogReport; startedAt: number }
  | { kind: 'input-error'; message: string };

export function useVerifierWorker() {
  const worker = useRef<Worker | null>(null);
  const current = useRef<{ id: number; startedAt: number } | null>(null);
  const [state, setState] = useState<'starting' | 'ready' | 'running' | 'failed'>('starting');
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  useEffect(() => {
    const w = new Worker(new URL('./verify.worker.ts', import.meta.url), { type: 'module' });
    worker.current = w;
    w.onmessage = (event: MessageEvent<WorkerMessage>) => {
      const message = event.data;
      if (message.type === 'ready') return setState('ready');
      const run = current.current;
      if (!run || message.id !== run.id) return;
      if (message.type === 'progress') return setProgress({ done: message.done, total: message.total });
      current.current = null;
      setState('ready');
      if (message.type === 'result') rememberCheckpoint(message.log);
      setOutcome(message.type === 'result' ? { kind: 'report', report: message.report, bundleCid: message.bundleCid, log: message.log, startedAt: run.startedAt } : { kind: 'input-error', message: message.message });
    };
    w.onerror = () => setState('failed');
    return () => {
      w.terminate();
      worker.current = null;
    };
  }, []);

  const verify = useCallback((bundleText: string, jwksText: string, log: Omit<LogRequest, 'seen'>) => {
    if (!worker.current || current.current) return;
    const run = { id: Date.now(), startedAt: performance.now() };
    current.current = run;
    setState('running');
    setProgress(null);
    setOutcome(null);
    worker.current.postMessage({ id: run.id, bundleText, jwksText, log: { ...log, seen: seenCheckpoints() } });
  }, []);

  /** The inputs changed: a verdict on screen (or one still being computed) no longer describes them. */
  const clear = useCallback(() => {
    if (current.current) {
      current.current = null;
      setState('ready');
    }
    setProgress(null);
    setOutcome(null);
  }, []);

  return { state, progress, outcome, verify, clear };
}
