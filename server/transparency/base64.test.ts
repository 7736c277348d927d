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
});
