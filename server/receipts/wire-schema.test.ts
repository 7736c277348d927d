// The wire schemas against the two other descriptions of the same envelope: the verifier's
// closed field lists (shape.ts) and the golden receipts and bundle. The compile-time check
// (Same) is tested here too, with the drift it exists to catch.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { goldenChain } from './golden';
import { BUNDLE_FIELDS, RECEIPT_FIELDS } from './shape';
import { exportBundleSchema, jwksSchema, receiptSchema, type Same } from './wire-schema';

describe('wire schemas', () => {
  it('name exactly the fields the verifier accepts, in SPEC order', () => {
    expect(Object.keys(receiptSchema.shape)).toEqual([...RECEIPT_FIELDS]);
    expect(Object.keys(exportBundleSchema.shape)).toEqual([...BUNDLE_FIELDS]);
  });

  it('accept the golden chain, bundle and JWKS, and refuse a field outside the envelope', () => {
    const { chain, bundle, jwks } = goldenChain();
    for (const receipt of chain) expect(receiptSchema.safeParse(receipt).error).toBeUndefined();
    expect(exportBundleSchema.safeParse(bundle).error).toBeUndefined();
    expect(jwksSchema.safeParse(jwks).error).toBeUndefined();
    expect(receiptSchema.safeParse({ ...chain[0], note: 'x' }).success).toBe(false);
  });

  it('Same tells apart shapes that plain assignability confuses', () => {
    expectTypeOf<Same<{ a: string }, { a: string }>>().toEqualTypeOf<true>();
    expectTypeOf<Same<{ a: string; b?: number }, { a: string }>>().toEqualTypeOf<false>();
    expectTypeOf<Same<{ a: string }, { a: string; b?: number }>>().toEqualTypeOf<false>();
    expectTypeOf<Same<{ a: string | null }, { a: string }>>().toEqualTypeOf<false>();
  });
});
