// Messages between the auditor page and its verification worker.
import type { BundleReport } from '@/server/receipts/verify';
import type { LogReport } from '@/server/transparency/verify-log';

/** The auditor's own transparency-log policy, and the checkpoints this browser saw before (by origin). */
export interface LogRequest {
  logKey: string;
  witnesses: string[];
  witnessesRequired: number | null;
  seen: Record<string, string>;
}

export interface VerifyRequest {
  id: number;
  /** Raw texts; parsed in the worker so a large bundle never blocks the page. */
  bundleText: string;
  jwksText: string;
  log: LogRequest;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'progress'; id: number; done: number; total: number }
  | { type: 'result'; id: number; report: BundleReport; bundleCid: string | null; log: LogReport }
  | { type: 'input-error'; id: number; message: string };
