import * as ed from '@noble/ed25519';
import { describe, expect, it } from 'vitest';
import { decodeBase64url } from './base64url';
import { buildBundle, buildReceipt, type UnsignedReceiptFields } from './build';
import { cid } from './canonical';
import './ed25519'; // configures noble's synchronous SHA-512
import { jwksOf, signedChain, testSigner } from './fixtures';
import { verifyChain } from './verify';

const signer = testSigner();
const fields: UnsignedReceiptFields = {
  trace_id: 'trace-1',
  hop: 1,
  ts: '2026-01-27T12:00:00Z',
  tenant: 'acme',
  payload_type: 'openai.tool_call.v1',
  target_type: 'invoice.v1',
  normalized: { b: 1.0, a: 'x' },
  prev_receipt_hash: null,
  policy: { engine: 'HEL', allowed: true, reason: 'no_forward' },
};

const verifies = (sig: string, message: string) =>
  ed.verify(decodeBase64url(sig), new TextEncoder().encode(message), decodeBase64url(signer.publicKey), { zip215: false });

describe('buildReceipt', () => {
  it('stores the JCS payload, its cid, the hash of everything but receipt_hash/sig, and a signature over that hash', () => {
    const receipt = buildReceipt(fields, signer);
    expect(receipt.canon).toBe('{"a":"x","b":1}');
    expect(receipt.cid).toBe(cid({ a: 'x', b: 1 }));
    expect(receipt.algo).toBe('sha256');
    expect(receipt.kid).toBe('test-key-1');
    const { receipt_hash, sig, ...body } = receipt;
    expect(receipt_hash).toBe(cid(body));
    expect(verifies(sig!, receipt_hash)).toBe(true);
  });

  it('omits absent optional fields rather than writing null', () => {
    const receipt = buildReceipt(fields, signer);
    expect(Object.keys(receipt)).not.toContain('forwarded');
    expect(Object.keys(receipt)).not.toContain('fallback_used');
    expect(Object.keys(receipt)).not.toContain('fu_tokens');
  });

  it('includes optional fields in the hash when present', () => {
    const withFallback = buildReceipt({ ...fields, fallback_used: true, fu_tokens: 17 }, signer);
    expect(withFallback).toMatchObject({ fallback_used: true, fu_tokens: 17 });
    expect(withFallback.receipt_hash).not.toBe(buildReceipt(fields, signer).receipt_hash);
  });

  it('signs the repair record (SPEC §2), and the verifier accepts it', () => {
    const repair = { method: 'deterministic' as const, changes: [{ path: '', kind: 'syntax' as const }, { path: '/line_items/0/unit_price', kind: 'normalized' as const }] };
    const receipt = buildReceipt({ ...fields, repair }, signer);
    expect(receipt.repair).toEqual(repair);
    const { receipt_hash, sig: _sig, ...body } = receipt;
    expect(receipt_hash).toBe(cid(body));
    expect(verifyChain([receipt], jwksOf(signer)).valid).toBe(true);
  });

  it.each([
    ['hop', { hop: 0 }, /'hop' must be an integer >= 1, got 0/],
    ['repair method', { repair: { method: 'magic', changes: [] } }, /'repair' must be an object \{method: "deterministic" or "llm"/],
    ['repair path', { repair: { method: 'llm', changes: [{ path: 'amount', kind: 'llm' }] } }, /'repair'/],
    ['repair kind', { repair: { method: 'llm', changes: [{ path: '/amount', kind: 'guessed' }] } }, /'repair'/],
    ['ts', { ts: '27/01/2026' }, /'ts' must be an RFC 3339 UTC timestamp/],
    ['prev_receipt_hash', { prev_receipt_hash: 'abc' }, /'prev_receipt_hash'/],
    ['tenant', { tenant: '' }, /'tenant' must be a non-empty string/],
    ['fu_tokens', { fu_tokens: -1 }, /'fu_tokens' must be an integer >= 0/],
    ['normalized', { normalized: { x: Number.NaN } }, /NaN/],
  ])('refuses a bad %s with the field named', (_field, patch, message) => {
    expect(() => buildReceipt({ ...fields, ...patch } as UnsignedReceiptFields, signer)).toThrow(message);
  });
});

describe('buildBundle', () => {
  it('signs the cid of {trace_id, chain, exported_at}', () => {
    const chain = signedChain(2, signer);
    const bundle = buildBundle('trace-1', chain, '2026-01-28T09:30:00.250Z', signer);
    expect(bundle.bundle_cid).toBe(cid({ trace_id: 'trace-1', chain, exported_at: '2026-01-28T09:30:00.250Z' }));
    expect(bundle.kid).toBe(signer.kid);
    expect(verifies(bundle.signature, bundle.bundle_cid)).toBe(true);
  });

  it('refuses empty chains and bad timestamps', () => {
    expect(() => buildBundle('t', [], '2026-01-28T09:30:00Z', signer)).toThrow(/no receipts/);
    expect(() => buildBundle('t', signedChain(1, signer), 'yesterday', signer)).toThrow(/exported_at/);
  });
});
