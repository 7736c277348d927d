// Messages between the "Verify my bill" page and its worker.
import type { UsageReport } from '@/server/usage-proof/verify';

export interface UsageRequest {
  id: number;
  file: Blob;
}

export type UsageWorkerMessage =
  | { type: 'ready' }
  | { type: 'progress'; id: number; bytes: number; total: number; lines: number }
  | { type: 'result'; id: number; report: UsageReport }
  | { type: 'input-error'; id: number; message: string };
