import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url } from './base64url';

describe('base64url', () => {
  it('round-trips and matches Node’s base64url for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = encodeBase64url(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64url'));
        expect(decodeBase64url(text)).toEqual(bytes);
      }),
    );
  });

  it.each([
    ['padding', 'AA=='],
    ['standard-alphabet characters', 'a+b/'],
    ['an impossible length', 'AAAAA'],
    ['non-zero trailing bits', 'AB'],
    ['whitespace', 'AA AA'],
  ])('rejects %s', (_name, text) => {
    expect(() => decodeBase64url(text)).toThrow(/base64url/);
  });
});
