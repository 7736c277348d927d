import { describe, expect, it } from 'vitest';
import { jwksOf, signedBundle, signedChain, sr1Chain, testSigner } from './fixtures';
import { parseJsonStrict } from './strict-json';
import { verifyBundle } from './verify';
import { verifyBundleNative } from './verify-native';

const signer = testSigner();
const jwks = jwksOf(signer);
const bundle = signedBundle(signedChain(30, signer), signer);

function mutate(edit: (b: ReturnType<typeof structuredClone<typeof bundle>>) => void) {
  const copy = structuredClone(bundle);
  edit(copy);
  return copy;
}

describe('verifyBundleNative', () => {
  it.each([
    ['a valid bundle', bundle],
    ['a forged receipt signature', mutate((b) => (b.chain[7]!.sig = b.chain[8]!.sig))],
    ['a signature that is not base64url', mutate((b) => (b.chain[3]!.sig = '!!!'))],
    ['a truncated signature', mutate((b) => (b.chain[3]!.sig = b.chain[3]!.sig!.slice(0, 40)))],
    ['a forged bundle signature', mutate((b) => (b.signature = b.chain[0]!.sig!))],
    ['a changed payload', mutate((b) => (b.chain[12]!.canon = b.chain[12]!.canon.replace('1', '2')))],
    ['an unknown kid', mutate((b) => (b.chain[2]!.kid = 'nobody'))],
    ['unsigned SR-1 receipts', signedBundle(sr1Chain(5), signer)],
    ['an unknown field', { ...bundle, extra: 1 }],
  ])('reports exactly what the pure-JS verifier reports for %s', async (_name, input) => {
    expect(await verifyBundleNative(input, jwks)).toEqual(verifyBundle(input, jwks));
  });

  it('reports the same for a wrong JWKS and hostile input', async () => {
    const other = jwksOf(testSigner('test-key-1', 2));
    expect(await verifyBundleNative(bundle, other)).toEqual(verifyBundle(bundle, other));
    for (const hostile of [null, 42, { chain: 'x' }, { chain: [null, 1] }]) {
      expect(await verifyBundleNative(hostile, jwks)).toEqual(verifyBundle(hostile, jwks));
      expect(await verifyBundleNative(bundle, hostile)).toEqual(verifyBundle(bundle, hostile));
    }
  });

  it('reports duplicate keys as the pure-JS verifier does', async () => {
    const { value, duplicateKeys } = parseJsonStrict(JSON.stringify(bundle).replace('"hop":4,', '"hop":4,"hop":4,'));
    const report = await verifyBundleNative(value, jwks, { duplicateKeys });
    expect(report).toEqual(verifyBundle(value, jwks, { duplicateKeys }));
    expect(report.firstFailure).toMatchObject({ index: 3, hop: 4, code: 'DUPLICATE_KEY' });
  });

  it('runs the work given alongside once, while the signatures are checked, before it answers', async () => {
    const events: string[] = [];
    const report = verifyBundleNative(bundle, jwks, {
      async alongside() {
        events.push('alongside started');
        await new Promise((resolve) => setTimeout(resolve, 10));
        events.push('alongside done');
      },
    }).then((r) => (events.push('report'), r));
    expect(await report).toEqual(verifyBundle(bundle, jwks));
    expect(events).toEqual(['alongside started', 'alongside done', 'report']);
  });
});
