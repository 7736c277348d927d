/**
 * Worker thread of signet-verify usage (hashing-thread.ts): the hashing the receipts do not wait
 * for, done on a second core. The compact form's tile check (tilesFailure, ~1,100,000 SHA-256 at
 * 1,000,000 receipts) and every batch's Merkle root from the leaf hashes the main thread sends in
 * chunks (~1,000,000 more). Messages are handled in order; `results` answers {tiles, roots}.
 */
import { parentPort } from 'node:worker_threads';
import { HASH_SIZE, MerkleAccumulator, type Hash } from '../transparency/merkle';
import { tilesFailure, type UsageFailure } from './verify';

export type HashingMessage =
  | { kind: 'tiles'; tiles: Map<string, Uint8Array>; size: number; root: Hash }
  /** `count` leaves: the i-th is bytes i·32… of `hashes`, for the tree of batch `slots[i]`. */
  | { kind: 'leaves'; slots: Int32Array; hashes: Uint8Array; count: number }
  | { kind: 'results' };

let tiles: UsageFailure | null = null;
const trees = new Map<number, MerkleAccumulator>();

parentPort!.on('message', (message: HashingMessage) => {
  if (message.kind === 'tiles') tiles = tilesFailure(message.tiles, message.size, message.root);
  else if (message.kind === 'leaves') {
    for (let i = 0; i < message.count; i++) {
      const slot = message.slots[i]!;
      let tree = trees.get(slot);
      if (!tree) trees.set(slot, (tree = new MerkleAccumulator()));
      tree.push(message.hashes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
    }
  } else parentPort!.postMessage({ tiles, roots: new Map([...trees].map(([slot, tree]) => [slot, tree.root()])) });
});
