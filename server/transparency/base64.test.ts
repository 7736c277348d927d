import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from './base64';

describe('strict base64', () => {
  it('round-trips every length and refuses non-zero trailing bits', () => {
    for (let n = 0; n < 70; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      expect(decodeBase64(encodeBase64(bytes))).toEqual(bytes);
    }
    expect(decodeBase64('QQ==')).toEqual(new Uint8Array([0x41]));
    expect(decodeBase64('QR==')).toBeNull();
    expect(decodeBase64('QUE=')).toEqual(new Uint8Array([0x41, 0x41]));
    expect(decodeBase64('QUF=')).toBeNull();
    expect(decodeBase64('QUE')).toBeNull();
    expect(decodeBase64('QU E=')).toBeNull();
    expect(decodeBase64('QUE-')).toBeNull();
  });

  it('accepts exactly the canonical padded encodings (the grouped grammar, re-encoding to itself)', () => {
    const GROUPED = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
    const canonical = (s: string) => GROUPED.test(s) && Buffer.from(s, 'base64').toString('base64') === s;
    const digit = fc.constantFrom(...'AQgwBCzZaz09+/=-_ \n'.split(''));
    fc.assert(
      fc.property(fc.string({ unit: digit, maxLength: 14 }), (s) => {
        expect(decodeBase64(s) !== null, JSON.stringify(s)).toBe(canonical(s));
      }),
      { numRuns: 20_000 },
    );
  });
});
