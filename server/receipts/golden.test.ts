// Golden bytes (see golden.ts): the checked-in receipt and bundle are what today's code builds
// from the fixed key and inputs, byte for byte, with these exact hashes and signatures.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jcs } from './canonical';
import { GOLDEN_FILES, goldenChain, pretty } from './golden';
import { parseJsonStrict } from './strict-json';
import type { ExportBundle, Jwks, Receipt } from './types';
import { verifyBundle } from './verify';

const file = (url: URL) => readFileSync(url, 'utf8');
const built = goldenChain();

describe('golden receipt and bundle', () => {
  it('are built byte for byte as checked in', () => {
    expect(pretty(built.chain[0])).toBe(file(GOLDEN_FILES.receipt));
    expect(pretty(built.bundle)).toBe(file(GOLDEN_FILES.bundle));
    expect(pretty(built.jwks)).toBe(file(GOLDEN_FILES.jwks));
  });

  it('have exactly these hashes and signatures', () => {
    const [hop1, hop2] = built.chain as [Receipt, Receipt];
    expect(hop1.cid).toBe('sha256:4cb2bdc37dc3dc6efdb809cefb9be4e1cf26264526bac04ad6ee65acc913ac04');
    expect(hop1.receipt_hash).toBe('sha256:4e23cf58dee171231b07e0d3f867b8cc4fa30a1c3a7e4bc4bb74986db7d9a36c');
    expect(hop1.sig).toBe('GGuczLqqWMCpZDtOwp6MKxS2r9VZXoJ6RwR2eJE3xD7ITc87YXPAMCoX7elsAAzlyw8Y6tY873koZFrT5pI-Dw');
    expect(hop2.receipt_hash).toBe('sha256:d1d885e974c6eebd1595385ada026a138eccb880f868aad252f1ac9948e02232');
    expect(hop2.sig).toBe('p6lNag7k753FWw8HXkM74At66kMAhLUdgwqlcLfRB4ql24zw8AEHgleNpzYsfX6709JjgyktEJTQhFPDLbVLAA');
    expect(built.bundle.bundle_cid).toBe('sha256:66651f0627dbbd69238509ff1807f5e9cf313c308a6ea4d2a18125a08aa2723f');
    expect(built.bundle.signature).toBe('dgEIWFK5TzNQHWqp-GRRLv27tYp_ouZ-_SGg-HwGnxIND3ILB_CA95XOaq2NrVgyM2MS5nj0GItncyt_mOqCBQ');
  });

  it('use RFC 8032’s test-1 key and canonical text that JSON alone would not give', () => {
    expect(Buffer.from(built.jwks.keys[0]!.x, 'base64url').toString('hex')).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    expect(built.chain[1]!.canon).toBe('{"a":"\u2028","b":[true,null,0,1e+21],"\u00e9":"e\u0301"}');
  });

  it('check out under Node’s own SHA-256 and Ed25519, and verify VALID', () => {
    const bundle = parseJsonStrict(file(GOLDEN_FILES.bundle));
    expect(bundle.duplicateKeys).toEqual([]);
    const { chain, bundle_cid, signature } = bundle.value as ExportBundle;
    const jwks = JSON.parse(file(GOLDEN_FILES.jwks)) as Jwks;
    const key = createPublicKey({ key: { ...jwks.keys[0]! }, format: 'jwk' });
    for (const receipt of chain) {
      const { receipt_hash, sig, ...body } = receipt;
      expect(`sha256:${createHash('sha256').update(jcs(body)).digest('hex')}`).toBe(receipt_hash);
      expect(`sha256:${createHash('sha256').update(receipt.canon).digest('hex')}`).toBe(receipt.cid);
      expect(verify(null, Buffer.from(receipt_hash), key, Buffer.from(sig!, 'base64url'))).toBe(true);
    }
    expect(verify(null, Buffer.from(bundle_cid), key, Buffer.from(signature, 'base64url'))).toBe(true);
    expect(verifyBundle(bundle.value, jwks).verdict).toBe('VALID');
  });
});
