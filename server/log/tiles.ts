// C2SP tlog-tiles: the tree stored as tiles of height 8. Level-0 tiles hold leaf hashes; each
// hash of a level-L tile is the root of a full level-(L-1) tile. The tiles a tree of a given
// size is made of, and a tile set that answers subtree hashes and grows by appending.
import { foldTileHashes, HASH_SIZE, type Hash, type NodeSource } from '../transparency/merkle';
import { TILE_HEIGHT, TILE_WIDTH } from '../transparency/tiles';

export const FULL_TILE_BYTES = TILE_WIDTH * HASH_SIZE;

export const tileKey = (level: number, index: number) => `${level}/${index}`;

/** The root of a full tile's 256 hashes (the subtree of height 8 they span). */
export function fullTileRoot(hashes: Uint8Array): Hash {
  return foldTileHashes(hashes, 0, TILE_WIDTH);
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
  // A complete subtree's hash never changes (tiles only grow), so folded nodes are kept, per
  // tile: the sequencer's right-edge tiles keep theirs from batch to batch (refolding them cost
  // as much hashing as the batch's leaves), and a tile dropped takes its nodes with it.
  private readonly folded = new Map<string, Map<string, Hash>>();

  get(level: number, index: number): Uint8Array | undefined {
    return this.tiles.get(tileKey(level, index));
  }

  set(level: number, index: number, hashes: Uint8Array) {
    this.tiles.set(tileKey(level, index), hashes);
  }

  delete(key: string) {
    this.tiles.delete(key);
    this.folded.delete(key);
  }

  node(height: number, index: number): Hash {
    const at = locate(height, index);
    if (at.span === 1) {
      const tile = this.get(at.level, at.tile);
      if (!tile || tile.length < (at.offset + 1) * HASH_SIZE) throw new MissingTile([{ level: at.level, index: at.tile }]);
      return tile.subarray(at.offset * HASH_SIZE, (at.offset + 1) * HASH_SIZE);
    }
    const key = tileKey(at.level, at.tile);
    const node = `${height}/${index}`;
    let folded = this.folded.get(key);
    const known = folded?.get(node);
    if (known) return known;
    const tile = this.tiles.get(key);
    if (!tile || tile.length < (at.offset + at.span) * HASH_SIZE) throw new MissingTile([{ level: at.level, index: at.tile }]);
    const hash = foldTileHashes(tile, at.offset, at.span);
    if (!folded) this.folded.set(key, (folded = new Map()));
    folded.set(node, hash);
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
