// C2SP tlog-tiles path encoding, with the spec's own examples.
import { describe, expect, it } from 'vitest';
import { decodeTileIndex, encodeTileIndex, entriesPath, tilePath, tileWidth } from './tiles';

describe('tlog-tiles paths', () => {
  it('encodes indexes as the spec shows', () => {
    expect(encodeTileIndex(1234067)).toBe('x001/x234/067');
    expect(encodeTileIndex(0)).toBe('000');
    expect(encodeTileIndex(999)).toBe('999');
    expect(encodeTileIndex(1000)).toBe('x001/000');
    expect(tilePath(0, 1234067)).toBe('tile/0/x001/x234/067');
    expect(tilePath(2, 5, 17)).toBe('tile/2/005.p/17');
    expect(entriesPath(273, 112)).toBe('tile/entries/273.p/112');
    expect(entriesPath(1)).toBe('tile/entries/001');
  });

  it('decodes exactly what it encodes', () => {
    for (const n of [0, 1, 999, 1000, 1234067, 2 ** 40 + 3]) expect(decodeTileIndex(encodeTileIndex(n))).toBe(n);
    for (const bad of ['1', '0001', 'x001', '001/x002', 'x000/001', 'x1/001', '']) expect(decodeTileIndex(bad)).toBeNull();
  });

  it('refuses impossible levels and widths', () => {
    expect(() => tilePath(64, 0)).toThrow(/level 64/);
    expect(() => tilePath(0, 0, 0)).toThrow(/width 0/);
    expect(() => tilePath(0, -1)).toThrow(/not a non-negative integer/);
  });

  it('gives the widths of the spec example: a tree of 70,000 entries', () => {
    expect(tileWidth(0, 272, 70_000)).toBe(256);
    expect(tileWidth(0, 273, 70_000)).toBe(112);
    expect(tileWidth(0, 274, 70_000)).toBe(0);
    expect(tileWidth(1, 0, 70_000)).toBe(256);
    expect(tileWidth(1, 1, 70_000)).toBe(17);
    expect(tileWidth(2, 0, 70_000)).toBe(1);
    expect(tileWidth(1, 0, 256)).toBe(1);
  });
});
