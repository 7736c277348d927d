/** Test fixtures: chains built through the real builders, with every optional field present. */
import { buildBundle, buildReceipt } from './build';
import { cid, jcs, cidOfCanon } from './canonical';
import { createSigner, publicJwk } from './node-signer';
import type { ExportBundle, Jwks, Receipt, Signer } from './types';

export function testSigner(kid = 'test-key-1', seedByte = 1): Signer & { publicKey: string } {
  return createSigner(new Uint8Array(32).fill(seedByte), kid);
}

export function jwksOf(...signers: Array<Signer & { publicKey: string }>): Jwks {
  return { keys: signers.map((s) => publicJwk(s.publicKey, s.kid)) };
}

/** Unsigned fields of one hop, every optional field present. */
export function receiptFields(traceId: string, hop: number, prev: string | null) {
  return {
    trace_id: traceId,
    hop,
    ts: `2026-01-27T12:00:0${hop % 10}.123Z`,
    tenant: 'acme',
    payload_type: 'openai.tool_call.v1',
    target_type: 'invoice.v1',
    normalized: { invoice_id: `INV-${hop}`, amount: 1250.5, currency: 'EUR', note: 'Grüße € 😀', lines: [{ qty: 2 }] },
    prev_receipt_hash: prev,
    policy: { engine: 'HEL' as const, allowed: true, reason: 'ok' as const },
    forwarded: { url: 'https://erp.example.com/in', host: 'erp.example.com', status_code: 200, pinned_ip: '93.184.216.34', response_size: 512 },
    fallback_used: true,
    fu_tokens: 40 + hop,
  };
}

export function signedChain(length: number, signer: Signer, traceId = 'trace-1'): Receipt[] {
  const chain: Receipt[] = [];
  for (let hop = 1; hop <= length; hop++) {
    chain.push(buildReceipt(receiptFields(traceId, hop, chain.at(-1)?.receipt_hash ?? null), signer));
  }
  return chain;
}

/** Pre-signing SR-1 receipts: same hashing, no kid and no sig. */
export function sr1Chain(length: number, traceId = 'trace-sr1'): Receipt[] {
  const chain: Receipt[] = [];
  for (let hop = 1; hop <= length; hop++) {
    const { normalized, ...fields } = receiptFields(traceId, hop, chain.at(-1)?.receipt_hash ?? null);
    const canon = jcs(normalized);
    const body = { ...fields, cid: cidOfCanon(canon), canon, algo: 'sha256' as const };
    chain.push({ ...body, receipt_hash: cid(body) });
  }
  return chain;
}

export function signedBundle(chain: Receipt[], signer: Signer): ExportBundle {
  return buildBundle(chain[0]!.trace_id, chain, '2026-01-28T09:30:00Z', signer);
}
