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

  it('decodes any string exactly as atob does, and refuses it exactly when it is not the canonical encoding', () => {
    const digit = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_');
    fc.assert(
      fc.property(fc.array(digit, { maxLength: 120 }).map((d) => d.join('')), (text) => {
        const reference = text.length % 4 === 1 ? null : Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
        const canonical = reference !== null && Buffer.from(reference).toString('base64url') === text;
        if (canonical) expect(decodeBase64url(text)).toEqual(reference);
        else expect(() => decodeBase64url(text)).toThrow(/base64url/);
      }),
      { numRuns: 2000 },
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
