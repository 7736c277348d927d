// C2SP tlog-tiles: the tree stored as tiles of height 8. Level-0 tiles hold leaf hashes; each
// hash of a level-L tile is the root of a full level-(L-1) tile. Tile paths, the tiles a tree
// of a given size is made of, and a tile set that answers subtree hashes and grows by appending.
import { HASH_SIZE, nodeHash, type Hash, type NodeSource } from './merkle';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
export const FULL_TILE_BYTES = TILE_WIDTH * HASH_SIZE;

/** `N` as tlog-tiles writes it: 3-digit groups, all but the last prefixed by `x`. */
export function encodeTileIndex(index: number): string {
  const groups: string[] = [];
  let n = index;
  do {
    groups.unshift(String(n % 1000).padStart(3, '0'));
    n = Math.floor(n / 1000);
  } while (n > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

export function tilePath(level: number | 'entries', index: number, width?: number): string {
  const partial = width !== undefined && width < TILE_WIDTH ? `.p/${width}` : '';
  return `tile/${level}/${encodeTileIndex(index)}${partial}`;
}

export interface TileAddress {
  level: number | 'entries';
  index: number;
  /** Present for a partial tile (1–255). */
  width?: number;
}

const GROUP = /^x\d{3}$/;
const LAST = /^\d{3}$/;
const LEVEL = /^(0|[1-9]\d?)$/;
const WIDTH = /^([1-9]\d{0,2})$/;

/** Parses what follows `tile/`; null when the path is not a tlog-tiles path. */
export function parseTilePath(path: string): TileAddress | null {
  const parts = path.split('/');
  const levelPart = parts.shift();
  let level: number | 'entries';
  if (levelPart === 'entries') level = 'entries';
  else if (levelPart && LEVEL.test(levelPart) && Number(levelPart) <= 63) level = Number(levelPart);
  else return null;
  let width: number | undefined;
  if (parts.length >= 2 && parts[parts.length - 2]!.endsWith('.p')) {
    const w = parts.pop()!;
    if (!WIDTH.test(w) || Number(w) >= TILE_WIDTH) return null;
    width = Number(w);
    parts[parts.length - 1] = parts[parts.length - 1]!.slice(0, -2);
  }
  if (parts.length === 0 || !LAST.test(parts[parts.length - 1]!) || !parts.slice(0, -1).every((p) => GROUP.test(p))) return null;
  const digits = parts.map((p) => p.replace('x', '')).join('');
  if (digits.length > 15) return null;
  return { level, index: Number(digits), ...(width !== undefined && { width }) };
}

/** Width of tile `index` at `level` in a tree of `size` leaves: 256 when full, 0 when absent. */
export function tileWidth(level: number, index: number, size: number): number {
  const hashesAtLevel = Math.floor(size / TILE_WIDTH ** level);
  return Math.max(0, Math.min(TILE_WIDTH, hashesAtLevel - index * TILE_WIDTH));
}

export const tileKey = (level: number, index: number) => `${level}/${index}`;

/** The root of a full tile's 256 hashes (the subtree of height 8 they span). */
export function fullTileRoot(hashes: Uint8Array): Hash {
  return foldHashes(hashes, 0, TILE_WIDTH);
}

function foldHashes(tile: Uint8Array, offset: number, count: number): Hash {
  let layer: Hash[] = [];
  for (let i = 0; i < count; i++) layer.push(tile.subarray((offset + i) * HASH_SIZE, (offset + i + 1) * HASH_SIZE));
  while (layer.length > 1) {
    const next: Hash[] = [];
    for (let i = 0; i < layer.length; i += 2) next.push(nodeHash(layer[i]!, layer[i + 1]!));
    layer = next;
  }
  return layer[0]!;
}

/** Which tile holds the hashes a node needs, and where. */
function locate(height: number, index: number) {
  const level = Math.floor(height / TILE_HEIGHT);
  const span = 2 ** (height % TILE_HEIGHT);
  const first = index * span;
  return { level, tile: Math.floor(first / TILE_WIDTH), offset: first % TILE_WIDTH, span };
}

/**
 * Tiles by level and index, each holding its hashes so far. Answers subtree hashes from them;
 * throws a MissingTile listing what is absent, so a caller can load it and ask again.
 */
export class TileSet implements NodeSource {
  readonly tiles = new Map<string, Uint8Array>();
  // A complete subtree's hash never changes (tiles only grow), so folded nodes are kept.
  private readonly folded = new Map<string, Hash>();

  get(level: number, index: number): Uint8Array | undefined {
    return this.tiles.get(tileKey(level, index));
  }

  set(level: number, index: number, hashes: Uint8Array) {
    this.tiles.set(tileKey(level, index), hashes);
  }

  delete(key: string) {
    this.tiles.delete(key);
    this.folded.clear();
  }

  node(height: number, index: number): Hash {
    const at = locate(height, index);
    if (at.span === 1) {
      const tile = this.get(at.level, at.tile);
      if (!tile || tile.length < (at.offset + 1) * HASH_SIZE) throw new MissingTile([{ level: at.level, index: at.tile }]);
      return tile.subarray(at.offset * HASH_SIZE, (at.offset + 1) * HASH_SIZE);
    }
    const key = `${height}/${index}`;
    const known = this.folded.get(key);
    if (known) return known;
    const tile = this.get(at.level, at.tile);
    if (!tile || tile.length < (at.offset + at.span) * HASH_SIZE) throw new MissingTile([{ level: at.level, index: at.tile }]);
    const hash = foldHashes(tile, at.offset, at.span);
    this.folded.set(key, hash);
    return hash;
  }
}

export class MissingTile extends Error {
  constructor(readonly tiles: { level: number; index: number }[]) {
    super(`tiles not loaded: ${tiles.map((t) => tileKey(t.level, t.index)).join(', ')}`);
  }
}

/** The tiles a computation over `src` reads: runs it once against a source that records. */
export function tilesNeeded(compute: (src: NodeSource) => unknown): { level: number; index: number }[] {
  const seen = new Map<string, { level: number; index: number }>();
  const zero = new Uint8Array(HASH_SIZE);
  compute({
    node(height, index) {
      const at = locate(height, index);
      seen.set(tileKey(at.level, at.tile), { level: at.level, index: at.tile });
      return zero;
    },
  });
  return [...seen.values()];
}

/**
 * The rightmost tiles of a growing tree, appended to leaf by leaf. Each full tile's root is
 * appended to the level above; `dirty` names the tiles changed since the last `takeDirty`.
 */
export class TreeBuilder {
  private dirty = new Set<string>();
  // Per level, the right-edge tile being filled, in a buffer sized for a full tile; the tile
  // set holds views of its filled part (which never changes once written).
  private readonly edges: { index: number; buffer: Uint8Array; width: number }[] = [];

  constructor(
    readonly tiles: TileSet,
    public size: number,
  ) {}

  private edge(level: number) {
    const index = Math.floor(Math.floor(this.size / TILE_WIDTH ** level) / TILE_WIDTH);
    let edge = this.edges[level];
    if (!edge || edge.index !== index) {
      const stored = this.tiles.get(level, index) ?? new Uint8Array(0);
      const buffer = new Uint8Array(FULL_TILE_BYTES);
      buffer.set(stored);
      edge = { index, buffer, width: stored.length / HASH_SIZE };
      this.edges[level] = edge;
    }
    return edge;
  }

  append(leaf: Hash) {
    let hash = leaf;
    let level = 0;
    for (;;) {
      const edge = this.edge(level);
      edge.buffer.set(hash, edge.width * HASH_SIZE);
      edge.width++;
      const filled = edge.buffer.subarray(0, edge.width * HASH_SIZE);
      this.tiles.set(level, edge.index, filled);
      this.dirty.add(tileKey(level, edge.index));
      if (edge.width < TILE_WIDTH) break;
      hash = fullTileRoot(filled);
      level++;
    }
    this.size++;
  }

  takeDirty(): { level: number; index: number; hashes: Uint8Array }[] {
    const out = [...this.dirty].map((k) => {
      const [level, index] = k.split('/').map(Number) as [number, number];
      return { level, index, hashes: this.tiles.get(level, index)! };
    });
    this.dirty.clear();
    return out;
  }
}

/** The rightmost (possibly partial) tile at each level for a tree of `size` leaves. */
export function rightEdgeTiles(size: number): { level: number; index: number }[] {
  const out: { level: number; index: number }[] = [];
  for (let level = 0; TILE_WIDTH ** level <= size; level++) {
    const count = Math.floor(size / TILE_WIDTH ** level);
    out.push({ level, index: Math.floor(count / TILE_WIDTH) });
  }
  return out;
}
