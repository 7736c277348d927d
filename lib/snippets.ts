// Ready-to-run first exchanges with a key: the finance demo as curl, TypeScript (Node 18+ fetch)
// and Python (standard library only). tests/integration/portal-onboarding.test.ts runs them.

export type SnippetLanguage = 'curl' | 'typescript' | 'python';

export const SNIPPET_LANGUAGES: { id: SnippetLanguage; label: string }[] = [
  { id: 'curl', label: 'curl' },
  { id: 'typescript', label: 'TypeScript' },
  { id: 'python', label: 'Python' },
];

const ARGUMENTS = { invoice_id: 'INV-001', amount: '1000.00', currency: 'USD', customer_name: 'Example Customer', description: 'First Signet exchange' };

function body() {
  return {
    payload_type: 'openai.tooluse.invoice.v1',
    target_type: 'invoice.iso20022.v1',
    payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: JSON.stringify(ARGUMENTS) } }] },
  };
}

/** `idempotencyKey` makes a re-run a replay of the same exchange (answered from storage, not counted twice). */
export function exchangeSnippet(language: SnippetLanguage, { baseUrl, apiKey, idempotencyKey }: { baseUrl: string; apiKey: string; idempotencyKey: string }): string {
  const url = `${baseUrl.replace(/\/$/, '')}/v1/exchange`;
  const json = JSON.stringify(body());
  if (language === 'curl') {
    return [
      `curl -sS -X POST '${url}' \\`,
      `  -H 'X-SIGNET-API-Key: ${apiKey}' \\`,
      `  -H 'X-SIGNET-Idempotency-Key: ${idempotencyKey}' \\`,
      `  -H 'Content-Type: application/json' \\`,
      `  -d '${json.replace(/'/g, `'\\''`)}'`,
    ].join('\n');
  }
  if (language === 'typescript') {
    return `// Node 18+ (or a browser): save as first-exchange.mts and run: npx tsx first-exchange.mts
const res = await fetch(${JSON.stringify(url)}, {
  method: 'POST',
  headers: {
    'Content-Type': 'application/json',
    'X-SIGNET-API-Key': ${JSON.stringify(apiKey)},
    'X-SIGNET-Idempotency-Key': ${JSON.stringify(idempotencyKey)}, // reuse it when you retry
  },
  body: JSON.stringify({
    payload_type: 'openai.tooluse.invoice.v1',
    target_type: 'invoice.iso20022.v1',
    payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: JSON.stringify(${JSON.stringify(ARGUMENTS)}) } }] },
  }),
});
const body = await res.json();
if (!res.ok) throw new Error(\`\${res.status} \${body.error.code}: \${body.detail}\`);
console.log(JSON.stringify({ trace_id: body.trace_id, receipt_hash: body.receipt.receipt_hash }));
`;
  }
  return `# Python 3, standard library only: save as first_exchange.py and run: python3 first_exchange.py
import json, urllib.request

arguments = ${JSON.stringify(ARGUMENTS)}
request = urllib.request.Request(
    ${JSON.stringify(url)},
    method="POST",
    headers={"Content-Type": "application/json",
             "X-SIGNET-API-Key": ${JSON.stringify(apiKey)},
             "X-SIGNET-Idempotency-Key": ${JSON.stringify(idempotencyKey)}},
    data=json.dumps({"payload_type": "openai.tooluse.invoice.v1",
                     "target_type": "invoice.iso20022.v1",
                     "payload": {"tool_calls": [{"function": {"name": "create_invoice",
                                                              "arguments": json.dumps(arguments)}}]}}).encode())
with urllib.request.urlopen(request) as res:
    body = json.load(res)
print(json.dumps({"trace_id": body["trace_id"], "receipt_hash": body["receipt"]["receipt_hash"]}))
`;
}
