/**
 * Golden bytes: a fixed key and fixed inputs whose receipt and bundle are checked in under
 * testdata/ (golden.test.ts asserts every byte, hash and signature), so any change to
 * canonicalisation, hashing or signing shows as a failing test instead of drifting silently.
 * Regenerate, only for an intended change of the wire format: npx tsx server/receipts/golden.ts
 */
import { writeFileSync } from 'node:fs';
import { buildBundle, buildReceipt, type UnsignedReceiptFields } from './build';
import { createSigner, publicJwk } from './node-signer';
import type { ExportBundle, Jwks, Receipt } from './types';

/** RFC 8032 section 7.1, test 1: its public key is d75a9801…511a. */
export const GOLDEN_SEED = Uint8Array.from(Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex'));
export const GOLDEN_KID = 'golden-2026-01';

const hops: Array<Omit<UnsignedReceiptFields, 'prev_receipt_hash' | 'hop'>> = [
  {
    trace_id: 'tr_golden_0001',
    ts: '2026-01-27T12:00:00.123Z',
    tenant: 'acme',
    payload_type: 'openai.tooluse.invoice.v1',
    target_type: 'invoice.iso20022.v1',
    normalized: { invoice_id: 'INV-001', total: { value: '1000.00', currency: 'EUR', minor_units: '100000' }, note: 'Grüße € 😀', lines: [{ qty: 2, price: 1.5e-7 }] },
    policy: { engine: 'HEL', allowed: true, reason: 'ok' },
    forwarded: { url: 'https://erp.example.com/in', host: 'erp.example.com', status_code: 200, pinned_ip: '93.184.216.34', response_size: 512 },
    fallback_used: true,
    fu_tokens: 42,
  },
  {
    trace_id: 'tr_golden_0001',
    ts: '2026-01-27T12:00:01Z',
    tenant: 'acme',
    payload_type: 'supply.shipment_notice.v1',
    target_type: 'invoice.iso20022.v1',
    normalized: { b: [true, null, -0, 1e21], a: '\u2028', '\u00e9': 'e\u0301' },
    policy: { engine: 'HEL', allowed: true, reason: 'no_forward' },
  },
];

export function goldenChain(): { chain: Receipt[]; bundle: ExportBundle; jwks: Jwks } {
  const signer = createSigner(GOLDEN_SEED, GOLDEN_KID);
  const chain: Receipt[] = [];
  for (const [i, fields] of hops.entries()) {
    chain.push(buildReceipt({ ...fields, hop: i + 1, prev_receipt_hash: chain.at(-1)?.receipt_hash ?? null }, signer));
  }
  const bundle = buildBundle('tr_golden_0001', chain, '2026-01-28T09:30:00Z', signer);
  return { chain, bundle, jwks: { keys: [publicJwk(signer.publicKey, GOLDEN_KID)] } };
}

export const GOLDEN_FILES = {
  receipt: new URL('./testdata/golden-receipt.json', import.meta.url),
  bundle: new URL('./testdata/golden-bundle.json', import.meta.url),
  jwks: new URL('./testdata/golden-jwks.json', import.meta.url),
};

export const pretty = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const { chain, bundle, jwks } = goldenChain();
  writeFileSync(GOLDEN_FILES.receipt, pretty(chain[0]));
  writeFileSync(GOLDEN_FILES.bundle, pretty(bundle));
  writeFileSync(GOLDEN_FILES.jwks, pretty(jwks));
}
