// What the benchmarks send: the guide's invoice tool call, as an OpenAI model emits it, under one
// API key the bench servers are started with.
export const BENCH_KEY = 'bench_key_0000000001';

/** An exchange request body; with `traceId`, a hop appended to that trace. */
export const invoiceBody = (traceId?: string) =>
  JSON.stringify({
    payload_type: 'openai.tooluse.invoice.v1',
    target_type: 'invoice.iso20022.v1',
    payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: '{"invoice_id":"INV-001","amount":1000,"currency":"USD"}' } }] },
    ...(traceId && { trace_id: traceId }),
  });
