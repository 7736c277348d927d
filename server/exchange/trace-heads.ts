// The last committed head of recently used traces, so an append can be sealed without first
// reading its head from the database. Only a hint: the append function checks every head
// under lock and answers 'stale' with the real one when the hint is wrong (another instance
// appended, or the entry was evicted), and the caller re-seals.
import { BoundedMap } from './bounded-map';

export interface TraceHead {
  hop: number;
  hash: string;
}

/** A trace is (tenant, trace id): two tenants' traces with one id are two chains (SPEC §2). */
export function traceKey(tenantId: string, traceId: string): string {
  return `${tenantId}\u0000${traceId}`;
}

export class TraceHeads {
  private readonly heads: BoundedMap<string, TraceHead>;

  constructor(capacity = 10_000) {
    this.heads = new BoundedMap(capacity);
  }

  get(trace: string): TraceHead | undefined {
    return this.heads.get(trace);
  }

  /** After a commit: calls finish out of order, so a known head never moves backwards. */
  advance(trace: string, head: TraceHead): void {
    const known = this.heads.get(trace);
    if (known && known.hop > head.hop) return;
    this.heads.set(trace, head);
  }

  /** The head as the database reported it. */
  set(trace: string, head: TraceHead): void {
    this.heads.set(trace, head);
  }

  forget(trace: string): void {
    this.heads.delete(trace);
  }
}
