/**
 * C2SP tlog-tiles resource paths (height 8): `tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`,
 * as the log serves them and clients fetch them. Isomorphic.
 */

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 2 ** TILE_HEIGHT;

/** 1234067 → `x001/x234/067`: 3-digit elements, all but the last prefixed with `x`. */
export function encodeTileIndex(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`tile index ${n} is not a non-negative integer`);
  const groups: string[] = [];
  do {
    groups.unshift(String(n % 1000).padStart(3, '0'));
    n = Math.floor(n / 1000);
  } while (n > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

/** Inverse of encodeTileIndex; null for anything it would not produce. */
export function decodeTileIndex(path: string): number | null {
  if (!/^(x\d{3}\/)*\d{3}$/.test(path)) return null;
  const digits = path.replace(/[x/]/g, '');
  if (digits.length > 3 && digits.startsWith('000')) return null;
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : null;
}

function suffix(width: number): string {
  if (width === TILE_WIDTH) return '';
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) throw new Error(`tile width ${width} is not between 1 and ${TILE_WIDTH}`);
  return `.p/${width}`;
}

export function tilePath(level: number, index: number, width = TILE_WIDTH): string {
  if (!Number.isInteger(level) || level < 0 || level > 63) throw new Error(`tile level ${level} is not between 0 and 63`);
  return `tile/${level}/${encodeTileIndex(index)}${suffix(width)}`;
}

export function entriesPath(index: number, width = TILE_WIDTH): string {
  return `tile/entries/${encodeTileIndex(index)}${suffix(width)}`;
}

export interface TileAddress {
  level: number | 'entries';
  index: number;
  /** Present for a partial tile (1–255). */
  width?: number;
}

/** What follows `tile/`, parsed; null for anything tilePath and entriesPath would not produce. */
export function parseTilePath(path: string): TileAddress | null {
  const match = /^(entries|0|[1-9]\d?)\/(.+?)(?:\.p\/([1-9]\d{0,2}))?$/.exec(path);
  if (!match) return null;
  const level = match[1] === 'entries' ? 'entries' : Number(match[1]);
  const index = decodeTileIndex(match[2]!);
  const width = match[3] === undefined ? undefined : Number(match[3]);
  if ((level !== 'entries' && level > 63) || index === null || (width !== undefined && width >= TILE_WIDTH)) return null;
  return { level, index, ...(width !== undefined && { width }) };
}

/** Width of tile `index` at `level` in a tree of `size` leaves: 256 when full, 0 when it does not exist. */
export function tileWidth(level: number, index: number, size: number): number {
  const perTile = TILE_WIDTH ** (level + 1);
  const full = Math.floor(size / perTile);
  if (index < full) return TILE_WIDTH;
  if (index > full) return 0;
  return Math.floor(size / TILE_WIDTH ** level) % TILE_WIDTH;
}
