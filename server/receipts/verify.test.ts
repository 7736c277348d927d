import { describe, expect, it } from 'vitest';
import { cid, cidOfCanon, jcs } from './canonical';
import { buildReceipt } from './build';
import { jwksOf, receiptFields, signedBundle, signedChain, sr1Chain, testSigner } from './fixtures';
import type { Receipt } from './types';
import { parseJsonStrict } from './strict-json';
import { verifyBundle, verifyChain, verifyReceipt } from './verify';

const signer = testSigner('key-1', 1);
const otherSigner = testSigner('key-2', 2);
const jwks = jwksOf(signer, otherSigner);
const OTHER_HASH = `sha256:${'ab'.repeat(32)}`;

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const codesAt = (report: ReturnType<typeof verifyChain>, index: number) => report.hops[index]!.failed.map((f) => f.code);

describe('verifyChain', () => {
  it('accepts an untouched signed chain', () => {
    const report = verifyChain(signedChain(3, signer), jwks);
    expect(report).toMatchObject({ verdict: 'VALID', valid: true, trace_id: 'trace-1', unsigned: 0 });
    expect(report.hops.map((h) => [h.hop, h.status, h.kid])).toEqual([
      [1, 'valid', 'key-1'],
      [2, 'valid', 'key-1'],
      [3, 'valid', 'key-1'],
    ]);
    expect(report.firstFailure).toBeUndefined();
  });

  it('accepts a chain signed across a key rotation while both keys are published', () => {
    const chain = signedChain(2, signer);
    chain.push(buildReceipt(receiptFields('trace-1', 3, chain[1]!.receipt_hash), otherSigner));
    const report = verifyChain(chain, jwks);
    expect(report.valid).toBe(true);
    expect(report.hops.map((h) => h.kid)).toEqual(['key-1', 'key-1', 'key-2']);
    expect(verifyChain(chain, jwksOf(signer)).firstFailure).toMatchObject({ index: 2, code: 'UNKNOWN_KID' });
  });

  // For each field: how to change it, and the code the changed hop must report.
  const tampering: Array<[field: keyof Receipt | 'canon (not canonical)' | 'kid (other known key)', (r: Receipt) => void, string]> = [
    ['trace_id', (r) => (r.trace_id = 'trace-x'), 'TRACE_ID_MISMATCH'],
    ['hop', (r) => (r.hop += 10), 'HOP_SEQUENCE'],
    ['ts', (r) => (r.ts = '2030-01-01T00:00:00Z'), 'RECEIPT_HASH_MISMATCH'],
    ['tenant', (r) => (r.tenant = 'mallory'), 'RECEIPT_HASH_MISMATCH'],
    ['payload_type', (r) => (r.payload_type = 'other.v1'), 'RECEIPT_HASH_MISMATCH'],
    ['target_type', (r) => (r.target_type = 'other.v1'), 'RECEIPT_HASH_MISMATCH'],
    ['cid', (r) => (r.cid = OTHER_HASH), 'CID_MISMATCH'],
    ['canon', (r) => (r.canon = jcs({ ...JSON.parse(r.canon), amount: 1 })), 'CID_MISMATCH'],
    ['canon (not canonical)', (r) => (r.canon = JSON.stringify(JSON.parse(r.canon), null, 1)), 'CANON_INVALID'],
    ['algo', (r) => ((r as { algo: string }).algo = 'sha512'), 'MALFORMED'],
    ['prev_receipt_hash', (r) => (r.prev_receipt_hash = OTHER_HASH), 'LINK_MISMATCH'],
    ['policy', (r) => (r.policy.reason = 'no_forward'), 'RECEIPT_HASH_MISMATCH'],
    ['forwarded', (r) => ((r.forwarded as { status_code: number }).status_code = 500), 'RECEIPT_HASH_MISMATCH'],
    ['fallback_used', (r) => (r.fallback_used = false), 'RECEIPT_HASH_MISMATCH'],
    ['fu_tokens', (r) => (r.fu_tokens! += 1), 'RECEIPT_HASH_MISMATCH'],
    ['kid', (r) => (r.kid = 'key-unknown'), 'UNKNOWN_KID'],
    ['kid (other known key)', (r) => (r.kid = 'key-2'), 'SIGNATURE_INVALID'],
    ['receipt_hash', (r) => (r.receipt_hash = OTHER_HASH), 'RECEIPT_HASH_MISMATCH'],
    ['sig', (r) => (r.sig = signer.sign(new TextEncoder().encode(OTHER_HASH))), 'SIGNATURE_INVALID'],
  ];

  describe.each(tampering)('changing %s', (_field, change, code) => {
    it.each([0, 1, 2])(`fails at index %i with ${code}`, (index) => {
      const chain = clone(signedChain(3, signer));
      change(chain[index]!);
      const report = verifyChain(chain, jwks, { traceId: 'trace-1' });
      expect(report.valid).toBe(false);
      expect(report.firstFailure).toMatchObject({ index, hop: chain[index]!.hop });
      expect(codesAt(report, index)).toContain(code);
      expect(report.hops[index]!.status).toBe('invalid');
      expect(report.firstFailure!.message).toMatch(/^hop \d+: /);
      for (let earlier = 0; earlier < index; earlier++) expect(report.hops[earlier]!.status).toBe('valid');
    });
  });

  it('names the hop and both hash prefixes in a mismatch message', () => {
    const chain = clone(signedChain(3, signer));
    chain[1]!.tenant = 'mallory';
    const { firstFailure } = verifyChain(chain, jwks);
    expect(firstFailure?.message).toBe(
      `hop 2: receipt_hash is ${chain[1]!.receipt_hash.slice(0, 19)}…, recomputed ${cid({ ...withoutHashAndSig(chain[1]!) }).slice(0, 19)}…`,
    );
  });

  it('reports the link to a replaced receipt_hash at the next hop as well', () => {
    const chain = clone(signedChain(3, signer));
    chain[1]!.receipt_hash = OTHER_HASH;
    const report = verifyChain(chain, jwks);
    expect(codesAt(report, 1)).toEqual(['RECEIPT_HASH_MISMATCH', 'SIGNATURE_INVALID']);
    expect(codesAt(report, 2)).toEqual(['LINK_MISMATCH']);
  });

  it('detects dropped, reordered and duplicated hops', () => {
    const chain = signedChain(3, signer);
    expect(verifyChain([chain[0], chain[2]], jwks).firstFailure).toMatchObject({ index: 1, code: 'HOP_SEQUENCE' });
    expect(verifyChain([chain[1], chain[0], chain[2]], jwks).firstFailure).toMatchObject({ index: 0, code: 'HOP_SEQUENCE' });
    expect(verifyChain([chain[0], chain[1], chain[1]], jwks).firstFailure).toMatchObject({ index: 2, code: 'HOP_SEQUENCE' });
    expect(verifyChain(chain.slice(1), jwks).firstFailure).toMatchObject({ index: 0, code: 'HOP_SEQUENCE' });
  });

  it('detects a receipt from another trace spliced in', () => {
    const chain = signedChain(3, signer);
    const foreign = signedChain(3, signer, 'trace-2');
    const report = verifyChain([chain[0], chain[1], foreign[2]], jwks);
    expect(codesAt(report, 2)).toEqual(['TRACE_ID_MISMATCH', 'LINK_MISMATCH']);
  });

  it('gives a chain of SR-1 receipts without kid/sig the verdict UNSIGNED, never VALID', () => {
    const report = verifyChain(sr1Chain(3), jwks);
    expect(report).toMatchObject({ verdict: 'UNSIGNED', valid: false, unsigned: 3 });
    expect(report.firstFailure).toBeUndefined();
    expect(report.hops.map((h) => h.status)).toEqual(['unsigned', 'unsigned', 'unsigned']);
  });

  it('refuses the downgrade: signatures stripped from later hops, an amount changed, the hashes recomputed', () => {
    const chain = clone(signedChain(3, signer));
    for (const r of chain.slice(1)) {
      delete r.kid;
      delete r.sig;
    }
    chain[1]!.canon = jcs({ ...JSON.parse(chain[1]!.canon), amount: 1 });
    chain[1]!.cid = cidOfCanon(chain[1]!.canon);
    rehash(chain, 1);
    const report = verifyChain(chain, jwks);
    expect(report).toMatchObject({ verdict: 'INVALID', valid: false, firstFailure: { index: 1, hop: 2, code: 'SIGNATURE_MISSING' } });
    expect(report.firstFailure!.message).toBe('hop 2: has no kid/sig, but hop 1 of this chain is signed; an unsigned receipt in a signed chain is refused');
    expect(report.hops.map((h) => h.status)).toEqual(['valid', 'invalid', 'invalid']);
  });

  it('refuses an unsigned receipt before signed ones too', () => {
    const chain = clone(signedChain(3, signer));
    delete chain[0]!.kid;
    delete chain[0]!.sig;
    rehash(chain, 0);
    expect(verifyChain(chain, jwks).firstFailure).toMatchObject({ index: 0, hop: 1, code: 'SIGNATURE_MISSING' });
  });

  it('gives a signed chain stripped of every signature, edited and re-hashed, UNSIGNED at best', () => {
    const chain = clone(signedChain(3, signer));
    for (const r of chain) {
      delete r.kid;
      delete r.sig;
    }
    chain[0]!.canon = jcs({ ...JSON.parse(chain[0]!.canon), amount: 1 });
    chain[0]!.cid = cidOfCanon(chain[0]!.canon);
    rehash(chain, 0);
    expect(verifyChain(chain, jwks)).toMatchObject({ verdict: 'UNSIGNED', valid: false });
  });

  it('still checks the hashes of SR-1 receipts', () => {
    const chain = clone(sr1Chain(3));
    chain[2]!.tenant = 'mallory';
    expect(verifyChain(chain, jwks)).toMatchObject({ verdict: 'INVALID', valid: false, unsigned: 2, firstFailure: { index: 2, code: 'RECEIPT_HASH_MISMATCH' } });
  });

  it('rejects a kid without a sig (a stripped signature) and vice versa', () => {
    const chain = clone(signedChain(2, signer));
    delete chain[0]!.sig;
    delete chain[1]!.kid;
    const report = verifyChain(chain, jwks);
    expect(report.hops[0]!.failed[0]).toMatchObject({ code: 'MALFORMED', message: expect.stringContaining("'sig' is missing") });
    expect(report.hops[1]!.failed[0]).toMatchObject({ code: 'MALFORMED', message: expect.stringContaining("'kid' is missing") });
  });

  it('reports UNKNOWN_KID or SIGNATURE_INVALID under the wrong JWKS', () => {
    const chain = signedChain(2, signer);
    expect(verifyChain(chain, jwksOf(otherSigner)).firstFailure).toMatchObject({ index: 0, code: 'UNKNOWN_KID' });
    const impostor = testSigner('key-1', 9); // same kid, different key
    expect(verifyChain(chain, jwksOf(impostor)).firstFailure).toMatchObject({ index: 0, code: 'SIGNATURE_INVALID' });
  });

  it('explains unusable JWKS entries', () => {
    const chain = signedChain(1, signer);
    const badX = { keys: [{ ...jwks.keys[0]!, x: 'not base64!' }] };
    expect(verifyChain(chain, badX).firstFailure?.message).toMatch(/JWKS key 'key-1' is unusable/);
    const rsa = { keys: [{ ...jwks.keys[0]!, kty: 'RSA' }] };
    expect(verifyChain(chain, rsa).firstFailure?.message).toMatch(/not an OKP Ed25519 key/);
    const twice = { keys: [jwks.keys[0]!, jwksOf(testSigner('key-1', 9)).keys[0]!] };
    expect(verifyChain(chain, twice).firstFailure?.message).toMatch(/lists kid 'key-1' 2 times/);
  });

  it.each([
    ['null', null],
    ['a number', 42],
    ['a string', 'chain'],
    ['an empty array', []],
    ['an object', { chain: [] }],
  ])('reports MALFORMED for %s instead of a chain', (_name, input) => {
    expect(verifyChain(input, jwks)).toMatchObject({ valid: false, hops: [], firstFailure: { code: 'MALFORMED', index: null } });
  });

  it('never throws on hostile receipts or JWKS', () => {
    const chain = clone(signedChain(2, signer)) as unknown[];
    const deep = JSON.parse('['.repeat(20000) + ']'.repeat(20000)) as unknown;
    const hostile: unknown[] = [
      [null, 1, 'x', [], true],
      [{ ...(chain[0] as object), hop: '1', policy: null, forwarded: 5, canon: 7 }],
      [{ ...(chain[0] as object), canon: '{"a":"\\ud800"}' }],
      [{ ...(chain[0] as object), tenant: '\ud800' }],
      [{ ...(chain[0] as object), sig: '!!!' }],
      [{ ...(chain[0] as object), sig: 'AAAA' }],
      [{ ...(chain[0] as object), extra: deep }],
      [JSON.parse('{"__proto__": {"hop": 1}, "constructor": 1}')],
    ];
    for (const input of hostile) {
      for (const keys of [jwks, null, { keys: 'x' }, { keys: [null, 1, { kid: 'key-1' }] }]) {
        const report = verifyChain(input, keys);
        expect(report.valid).toBe(false);
        expect(report.firstFailure?.code).toMatch(/^[A-Z_]+$/);
      }
    }
  });

  it('says which field is malformed', () => {
    const chain = clone(signedChain(1, signer)) as unknown as Record<string, unknown>[];
    chain[0]!.hop = '1';
    delete chain[0]!.policy;
    const messages = verifyChain(chain, jwks).hops[0]!.failed.map((f) => f.message);
    expect(messages).toContain(`receipt #1: field 'hop' must be an integer >= 1, got "1"`);
    expect(messages).toContain(`receipt #1: field 'policy' must be an object {engine: string, allowed: boolean, reason: string}, missing`);
  });

  it('reports progress once per receipt', () => {
    const calls: Array<[number, number]> = [];
    verifyChain(signedChain(3, signer), jwks, { onProgress: (done, total) => calls.push([done, total]) });
    expect(calls).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
  });
});

describe('closed envelopes (SPEC §2, §3)', () => {
  it('names a receipt field outside SPEC §2’s table, even when the hash and signature cover it', () => {
    const extra = buildReceipt(receiptFields('trace-1', 1, null), signer) as unknown as Record<string, unknown>;
    extra.note = 'hello';
    rehash([extra as unknown as Receipt], 0);
    const report = verifyChain([extra], jwks);
    expect(report.firstFailure).toMatchObject({ index: 0, hop: 1, code: 'UNKNOWN_FIELD', message: `hop 1: field "note" is not a receipt field of SPEC §2 (the envelope is closed)` });
  });

  it('accepts every optional field of the table, repair included', () => {
    const chain = clone(signedChain(1, signer)) as unknown as Array<Record<string, unknown>>;
    chain[0]!.repair = { method: 'deterministic', changes: [{ path: '/amount', kind: 'normalized' }] };
    rehash(chain as unknown as Receipt[], 0);
    chain[0]!.sig = signer.sign(new TextEncoder().encode(chain[0]!.receipt_hash as string));
    expect(verifyChain(chain, jwks)).toMatchObject({ verdict: 'VALID' });
  });

  it.each([
    ['policy', (r: Record<string, unknown>) => ((r.policy as Record<string, unknown>).by = 'x')],
    ['forwarded', (r: Record<string, unknown>) => ((r.forwarded as Record<string, unknown>).via = 'x')],
    ['repair', (r: Record<string, unknown>) => (r.repair = { method: 'llm', changes: [{ path: '/a', kind: 'k', value: 1 }] })],
  ])('closes the nested object %s as well', (field, change) => {
    const chain = clone(signedChain(1, signer)) as unknown as Array<Record<string, unknown>>;
    change(chain[0]!);
    const failed = verifyChain(chain, jwks).hops[0]!.failed;
    expect(failed).toContainEqual({ code: 'MALFORMED', message: expect.stringMatching(new RegExp(`^hop 1: field '${field}' must be`)) });
    expect(failed.filter((f) => f.message.startsWith(`hop 1: field '${field}'`))).toHaveLength(1);
  });

  it('names a bundle field outside SPEC §3 and §7, and accepts `log`', () => {
    const bundle = signedBundle(signedChain(2, signer), signer);
    expect(verifyBundle({ ...bundle, log: { checkpoint: 'x', proofs: [] } }, jwks).verdict).toBe('VALID');
    const report = verifyBundle({ ...bundle, signatures: [] }, jwks);
    expect(report).toMatchObject({ verdict: 'INVALID', firstFailure: { index: null, code: 'UNKNOWN_FIELD', message: 'bundle: field "signatures" is not a bundle field of SPEC §3 (the envelope is closed)' } });
  });

  it('refuses a well-formed bundle whose exported_at is not a timestamp, although its cid and signature match', () => {
    const bundle = buildBundleUnchecked(signedChain(1, signer), 'yesterday');
    expect(verifyBundle(bundle, jwks)).toMatchObject({ verdict: 'INVALID', bundle: { cidValid: true, signatureValid: true, reason: { code: 'MALFORMED' } } });
  });
});

describe('duplicate JSON keys', () => {
  const bundle = signedBundle(signedChain(3, signer), signer);
  const text = JSON.stringify(bundle);

  it.each([
    ['in a receipt', text.replace('"sig":', '"sig":"AAAA","sig":'), { index: 0, message: 'hop 1: key "sig" occurs more than once in the receipt' }],
    ['in a nested object of the last hop', text.replace(/"policy":\{"engine":"HEL"(?![\s\S]*"policy")/, '"policy":{"engine":"HEL","engine":"HEL"'), { index: 2, message: 'hop 3: key "engine" occurs more than once in policy' }],
    ['with equal values, escaped differently', text.replace('{"trace_id"', '{"trace\\u005fid":"trace-1","trace_id"'), { index: null, message: 'bundle: key "trace_id" occurs more than once in the object at $' }],
  ])('make the bundle INVALID %s, located', (_where, tampered, failure) => {
    const { value, duplicateKeys } = parseJsonStrict(tampered);
    expect(verifyBundle(value, jwks).valid).toBe(true); // what JSON.parse alone lets through
    const report = verifyBundle(value, jwks, { duplicateKeys });
    expect(report.verdict).toBe('INVALID');
    expect(report.hops.flatMap((h) => h.failed).concat(report.bundle.reason ?? []).map((f) => f.message)).toContain(failure.message);
    expect(report.firstFailure).toMatchObject({ index: failure.index, code: 'DUPLICATE_KEY' });
  });

  it('are found in a bare chain as well', () => {
    const { value, duplicateKeys } = parseJsonStrict(JSON.stringify(bundle.chain).replace('"hop":2', '"hop":2,"hop":2'));
    expect(verifyChain(value, jwks, { duplicateKeys }).firstFailure).toMatchObject({ index: 1, hop: 2, code: 'DUPLICATE_KEY' });
  });
});

describe('verifyReceipt', () => {
  it('checks one receipt against what its position demands', () => {
    const [first, second] = signedChain(2, signer);
    expect(verifyReceipt(second, jwks, { trace_id: 'trace-1', hop: 2, prev_receipt_hash: first!.receipt_hash })).toMatchObject({
      status: 'valid',
      failed: [],
    });
    expect(verifyReceipt(second, jwks, { hop: 3 }).failed.map((f) => f.code)).toEqual(['HOP_SEQUENCE']);
    expect(verifyReceipt(second, jwks).status).toBe('valid');
  });
});

describe('verifyBundle', () => {
  const bundle = signedBundle(signedChain(3, signer), signer);

  it('accepts an untouched bundle', () => {
    const report = verifyBundle(bundle, jwks);
    expect(report).toMatchObject({ verdict: 'VALID', valid: true, bundle: { cidValid: true, signatureValid: true, kid: 'key-1' } });
    expect(report.bundle.reason).toBeUndefined();
  });

  it('gives a signed bundle of SR-1 receipts the verdict UNSIGNED: the receipts themselves prove no issuer', () => {
    const report = verifyBundle(signedBundle(sr1Chain(2), signer), jwks);
    expect(report).toMatchObject({ verdict: 'UNSIGNED', valid: false, unsigned: 2, bundle: { cidValid: true, signatureValid: true } });
    expect(report.firstFailure).toBeUndefined();
  });

  it('becomes invalid when any byte of the serialized bundle changes', () => {
    const bytes = new TextEncoder().encode(JSON.stringify(bundle));
    const positions = new Set<number>();
    for (let i = 0; i < bytes.length; i += 23) positions.add(i);
    for (const marker of ['"exported_at"', '"signature":"', '"bundle_cid":"sha256:', '"canon"', '"sig":"', '"fu_tokens"', '"kid":"']) {
      positions.add(new TextDecoder().decode(bytes).indexOf(marker) + marker.length + 2);
    }
    positions.add(bytes.length - 3);
    let parsedAndRejected = 0;
    for (const at of positions) {
      const tampered = Uint8Array.from(bytes);
      tampered[at] = tampered[at] === 0x31 ? 0x32 : 0x31; // '1' or '2'
      let document: unknown;
      try {
        document = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(tampered));
      } catch {
        continue; // no longer JSON: rejected before verification
      }
      expect(verifyBundle(document, jwks).valid, `byte ${at} changed`).toBe(false);
      parsedAndRejected++;
    }
    expect(parsedAndRejected).toBeGreaterThan(50);
  });

  it('reports bundle-level tampering with its own codes', () => {
    const changedExport = { ...bundle, exported_at: '2026-01-29T00:00:00Z' };
    expect(verifyBundle(changedExport, jwks)).toMatchObject({
      valid: false,
      bundle: { cidValid: false, signatureValid: true, reason: { code: 'BUNDLE_CID_MISMATCH' } },
      firstFailure: { index: null, code: 'BUNDLE_CID_MISMATCH' },
    });
    const resigned = { ...bundle, signature: otherSigner.sign(new TextEncoder().encode(bundle.bundle_cid)) };
    expect(verifyBundle(resigned, jwks).bundle).toMatchObject({ signatureValid: false, reason: { code: 'BUNDLE_SIGNATURE_INVALID' } });
  });

  it('reports the receipt failure first when the chain inside was changed', () => {
    const tampered = clone(bundle);
    tampered.chain[1]!.ts = '2030-01-01T00:00:00Z';
    const report = verifyBundle(tampered, jwks);
    expect(report.firstFailure).toMatchObject({ index: 1, hop: 2, code: 'RECEIPT_HASH_MISMATCH' });
    expect(report.bundle.cidValid).toBe(false);
  });

  it('checks receipts against the bundle’s trace_id', () => {
    const relabelled = { ...bundle, trace_id: 'trace-other' };
    expect(verifyBundle(relabelled, jwks).firstFailure).toMatchObject({ index: 0, code: 'TRACE_ID_MISMATCH' });
  });

  it('reports UNKNOWN_KID or BUNDLE_SIGNATURE_INVALID under the wrong JWKS', () => {
    expect(verifyBundle(bundle, jwksOf(otherSigner)).bundle.reason?.code).toBe('UNKNOWN_KID');
    const impostor = jwksOf(testSigner('key-1', 9));
    const report = verifyBundle(bundle, impostor);
    expect(report.firstFailure?.code).toBe('SIGNATURE_INVALID');
    expect(report.bundle.reason?.code).toBe('BUNDLE_SIGNATURE_INVALID');
  });

  it.each([null, [], 'bundle', { chain: 'x' }])('reports MALFORMED for %j', (input) => {
    const report = verifyBundle(input, jwks);
    expect(report.valid).toBe(false);
    expect(report.bundle.reason?.code).toBe('MALFORMED');
  });
});

/** Recomputes receipt_hash of chain[index] (as a forger would) and relinks the next hop. */
function rehash(chain: Receipt[], index: number) {
  for (let i = index; i < chain.length; i++) {
    if (i > index) chain[i]!.prev_receipt_hash = chain[i - 1]!.receipt_hash;
    chain[i]!.receipt_hash = cid(withoutHashAndSig(chain[i]!));
  }
}

/** A bundle over any exported_at, signed as buildBundle would sign it. */
function buildBundleUnchecked(chain: Receipt[], exportedAt: string) {
  const bundle_cid = cid({ trace_id: chain[0]!.trace_id, chain, exported_at: exportedAt });
  return { trace_id: chain[0]!.trace_id, chain, exported_at: exportedAt, bundle_cid, kid: signer.kid, signature: signer.sign(new TextEncoder().encode(bundle_cid)) };
}

function withoutHashAndSig(receipt: Receipt) {
  const { receipt_hash: _hash, sig: _sig, ...body } = receipt;
  return body;
}
