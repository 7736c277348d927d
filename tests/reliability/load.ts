// Load helpers for the reliability tests: a bounded-concurrency runner and one exchange call
// that never throws (a refused connection is an outcome too).
export interface Outcome {
  status: number; // 0 = no HTTP response (connection refused or reset)
  body: string;
}

export const invoiceBody = (traceId: string, n: number) => ({
  payload_type: 'openai.tooluse.invoice.v1',
  target_type: 'invoice.iso20022.v1',
  trace_id: traceId,
  payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: JSON.stringify({ invoice_id: `INV-${traceId}-${n}`, amount: n + 1, currency: 'USD' }) } }] },
});

export async function postExchange(url: string, key: string, idempotencyKey: string, body: unknown, onResponse?: (res: Response) => void): Promise<Outcome> {
  try {
    const res = await fetch(`${url}/v1/exchange`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signet-api-key': key, 'x-signet-idempotency-key': idempotencyKey },
      body: JSON.stringify(body),
    });
    onResponse?.(res);
    return { status: res.status, body: await res.text() };
  } catch {
    return { status: 0, body: '' };
  }
}

/** Runs the tasks with at most `concurrency` in flight; results in task order. */
export async function runPool<T>(tasks: (() => Promise<T>)[], concurrency: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
  return results;
}
