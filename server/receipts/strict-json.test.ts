import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatJsonPath, parseJsonStrict } from './strict-json';

describe('parseJsonStrict', () => {
  it.each([
    ['{"a":1,"a":1}', [{ path: [], key: 'a' }]],
    ['{"a":1,"a":2}', [{ path: [], key: 'a' }]],
    ['{"a":1,"\\u0061":1}', [{ path: [], key: 'a' }]],
    ['{"x":[{"b":1},{"b":2,"c":{"d":0,"d":0}}]}', [{ path: ['x', 1, 'c'], key: 'd' }]],
    ['[{"k":"a","k":"\\"k\\":"}]', [{ path: [0], key: 'k' }]],
    ['{"a":{"a":1},"b":{"a":1}}', []],
    ['{"a":"\\\\","b":"{\\"b\\":1,\\"b\\":2}"}', []],
    ['{"__proto__":1,"__proto__":2}', [{ path: [], key: '__proto__' }]],
  ])('finds the duplicate keys of %s', (text, expected) => {
    const { value, duplicateKeys } = parseJsonStrict(text);
    expect(value).toEqual(JSON.parse(text));
    expect(duplicateKeys).toEqual(expected);
  });

  it('throws JSON.parse’s SyntaxError for text that is not JSON', () => {
    expect(() => parseJsonStrict('{"a":1,}')).toThrow(SyntaxError);
  });

  it('finds no duplicates in anything JSON.stringify writes, and handles deep nesting', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(parseJsonStrict(JSON.stringify(value, null, 1)).duplicateKeys).toEqual([]);
      }),
      { numRuns: 300 },
    );
    expect(parseJsonStrict('['.repeat(20000) + '{"a":0,"a":0}' + ']'.repeat(20000)).duplicateKeys).toHaveLength(1);
  });

  it('formats paths', () => {
    expect(formatJsonPath([])).toBe('$');
    expect(formatJsonPath(['chain', 2, 'policy', 'a b'])).toBe('$.chain[2].policy["a b"]');
  });
});
