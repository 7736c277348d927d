// A group commit of one signed test receipt, as the exchange path makes it (without mapping or
// forwarding): for tests of what the commit writes beside the receipt.
import type { SqlClient } from '@/server/db/sql';
import { commitExchange, type CommitResult } from '@/server/exchange/commit';
import { buildReceipt, type Signer } from '@/server/receipts/build';

let seq = 0;

export interface TestAppend {
  tenant: string;
  traceId: string;
  /** The idempotency key; a new one when omitted. */
  key?: string;
  fuTokens?: number;
  /** The seal throws, as a signer that fails would. */
  failSeal?: boolean;
}

export function appendTestReceipt(sql: SqlClient, signer: Signer, opts: TestAppend): Promise<CommitResult> {
  const key = opts.key ?? `k-${++seq}`;
  return commitExchange(sql, {
    apiKeyId: `key-${opts.tenant}`,
    idempotencyKey: key,
    tenantId: opts.tenant,
    traceId: opts.traceId,
    fuTokens: opts.fuTokens ?? 0,
    startedAt: performance.now(),
    externalMs: () => 0,
    seal: ({ hop, prevReceiptHash }) => {
      if (opts.failSeal) throw new Error('seal refused');
      const receipt = buildReceipt(
        {
          trace_id: opts.traceId,
          hop,
          ts: new Date().toISOString(),
          tenant: opts.tenant,
          payload_type: 'test.v1',
          target_type: 'test.out.v1',
          normalized: { key },
          prev_receipt_hash: prevReceiptHash,
          policy: { engine: 'HEL', allowed: true, reason: 'no_forward' },
        },
        signer,
      );
      return { receipt, responseBody: JSON.stringify({ trace_id: opts.traceId, key, hop }) };
    },
  });
}
