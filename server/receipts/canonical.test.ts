import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cid, cidOfCanon, jcs, pureSha256Hex, sha256Hex } from './canonical';

const fromIeee754 = (hex: string) => new DataView(Uint8Array.from(Buffer.from(hex, 'hex')).buffer).getFloat64(0);

describe('jcs: RFC 8785', () => {
  // RFC 8785 Appendix B: IEEE 754 bit patterns and their required serialization.
  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('serializes IEEE 754 %s as %s', (bits, expected) => {
    expect(jcs(fromIeee754(bits))).toBe(expected);
  });

  it.each([
    ['1e21', '1e+21'],
    ['1e-7', '1e-7'],
    ['-0', '0'],
    ['1E30', '1e+30'],
    ['4.50', '4.5'],
    ['2e-3', '0.002'],
    ['0.000001', '0.000001'],
    ['333333333.33333329', '333333333.3333333'],
    ['0.000000000000000000000000001', '1e-27'],
  ])('serializes the JSON number %s as %s', (text, expected) => {
    expect(jcs(JSON.parse(text))).toBe(expected);
  });

  it('reproduces the RFC 8785 §3.2.2 example (numbers, string escapes, literals)', () => {
    const input = String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`;
    expect(jcs(JSON.parse(input))).toBe(
      String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
    );
  });

  it('escapes only control characters, quote and backslash; U+2028 and U+0080 pass through', () => {
    expect(jcs('\u000f\u001f\b\t\n\f\r"\\\u2028\u2029\u0080\u007f')).toBe('"\\u000f\\u001f\\b\\t\\n\\f\\r\\"\\\\\u2028\u2029\u0080\u007f"');
  });

  it('sorts keys by UTF-16 code units (RFC 8785 §3.2.3 example)', () => {
    const input = String.raw`{
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }`;
    expect(jcs(JSON.parse(input))).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('sorts nested objects, keeps array order, drops undefined members like JSON', () => {
    expect(jcs({ b: [3, { z: 1, a: 2 }], a: undefined, c: null })).toBe('{"b":[3,{"a":2,"z":1}],"c":null}');
  });

  it.each([
    ['undefined', undefined, /undefined/],
    ['NaN', { a: Number.NaN }, /\$\.a is NaN/],
    ['Infinity', [1, Number.POSITIVE_INFINITY], /\$\[1\] is Infinity/],
    ['a BigInt', { n: 10n }, /\$\.n is a bigint/],
    ['a nested function', { f: () => 1 }, /\$\.f is a function/],
    ['a symbol', Symbol('s'), /is a symbol/],
    ['a lone surrogate', { s: '\ud800' }, /Lone surrogate/],
  ])('throws a clear error for %s', (_name, value, message) => {
    expect(() => jcs(value)).toThrow(message);
  });

  it('throws on circular references', () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => jcs(loop)).toThrow(/circular/);
  });
});

describe('hashes', () => {
  const nodeSha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

  it('sha256Hex, on node:crypto and on the pure-JS path the browser takes, matches node:crypto for strings and bytes', () => {
    for (const text of ['', 'abc', 'Grüße € 😀', 'x'.repeat(100_000)]) {
      for (const hash of [sha256Hex, pureSha256Hex]) {
        expect(hash(text)).toBe(nodeSha256(text));
        expect(hash(new TextEncoder().encode(text))).toBe(nodeSha256(text));
      }
    }
  });

  it('cid is sha256 of the UTF-8 JCS text, in the sha256:<hex> format', () => {
    const value = { b: 'ö', a: [1.0, 2e-3] };
    expect(jcs(value)).toBe('{"a":[1,0.002],"b":"ö"}');
    expect(cid(value)).toBe(`sha256:${nodeSha256('{"a":[1,0.002],"b":"ö"}')}`);
    expect(cidOfCanon('{"a":[1,0.002],"b":"ö"}')).toBe(cid(value));
    expect(cid({})).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
