// The last committed head of recently used traces, so an append can be sealed without first
// reading its head from the database. Only a hint: the append function checks every head
// under lock and answers 'stale' with the real one when the hint is wrong (another instance
// appended, or the entry was evicted), and the caller re-seals.
import { BoundedMap } from './bounded-map';

export interface TraceHead {
  tenantId: string;
  hop: number;
  hash: string;
}

export class TraceHeads {
  private readonly heads: BoundedMap<string, TraceHead>;

  constructor(capacity = 10_000) {
    this.heads = new BoundedMap(capacity);
  }

  get(traceId: string): TraceHead | undefined {
    return this.heads.get(traceId);
  }

  /** After a commit: calls finish out of order, so a known head never moves backwards. */
  advance(traceId: string, head: TraceHead): void {
    const known = this.heads.get(traceId);
    if (known && known.tenantId === head.tenantId && known.hop > head.hop) return;
    this.heads.set(traceId, head);
  }

  /** The head as the database reported it. */
  set(traceId: string, head: TraceHead): void {
    this.heads.set(traceId, head);
  }

  forget(traceId: string): void {
    this.heads.delete(traceId);
  }
}
