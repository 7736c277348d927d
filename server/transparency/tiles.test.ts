// C2SP tlog-tiles path encoding, with the spec's own examples.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeTileIndex, encodeTileIndex, entriesPath, parseTilePath, tilePath, tileWidth } from './tiles';

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

  it('parses back exactly the paths it writes, and nothing else', () => {
    expect(parseTilePath('0/x001/x234/067')).toEqual({ level: 0, index: 1_234_067 });
    expect(parseTilePath('entries/x001/000.p/255')).toEqual({ level: 'entries', index: 1000, width: 255 });
    expect(parseTilePath('63/000.p/1')).toEqual({ level: 63, index: 0, width: 1 });
    for (const bad of ['64/000', '00/000', '01/000', '0/1', '0/0001', '0/x1/000', '0/001/000', '0/x001', '0/x000/001', '0/000.p/0', '0/000.p/256', '0/000.p/01', '0/000.p', 'x/000', '0/', '0/000.p/1/2', 'entries/abc']) {
      expect(parseTilePath(bad), bad).toBeNull();
    }
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 63 }), fc.nat({ max: 2 ** 40 }), fc.integer({ min: 1, max: 256 }), (level, index, width) => {
        expect(parseTilePath(tilePath(level, index, width).slice('tile/'.length))).toEqual({ level, index, ...(width < 256 && { width }) });
        expect(parseTilePath(entriesPath(index, width).slice('tile/'.length))).toEqual({ level: 'entries', index, ...(width < 256 && { width }) });
      }),
    );
  });
});
