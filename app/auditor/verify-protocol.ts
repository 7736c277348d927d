// Messages between the auditor page and its verification worker.
import type { BundleReport } from '@/server/receipts/verify';

export interface VerifyRequest {
  id: number;
  /** Raw texts; parsed in the worker so a large bundle never blocks the page. */
  bundleText: string;
  jwksText: string;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'progress'; id: number; done: number; total: number }
  | { type: 'result'; id: number; report: BundleReport; bundleCid: string | null }
  | { type: 'input-error'; id: number; message: string };
