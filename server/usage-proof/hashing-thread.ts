/**
 * A HashingOffload in a worker thread (hashing-worker.ts): signet-verify usage folds the tiles and
 * the batch roots on one core while it reads and hashes the receipts on the other. The thread
 * starts at once, to load while the bundle's head and tiles are read.
 */
import { Worker } from 'node:worker_threads';
import { HASH_SIZE } from '../transparency/merkle';
import type { HashingMessage } from './hashing-worker';
import type { HashingOffload, UsageFailure } from './verify';

/** Leaves sent to the thread at a time (their buffers are transferred, not copied). */
const CHUNK = 8192;

export interface HashingThread extends HashingOffload {
  close(): Promise<void>;
}

export function startHashingThread(): HashingThread {
  const worker = spawn();
  // Idle, the thread does not keep the process alive (results() holds it while it waits).
  worker.unref();
  let ended: Error | null = null;
  worker.on('error', (error) => (ended ??= error));
  worker.on('exit', (code) => (ended ??= new Error(`the hashing thread exited (code ${code})`)));
  const post = (message: HashingMessage, transfer: ArrayBuffer[] = []) => worker.postMessage(message, transfer);
  let slots = new Int32Array(CHUNK);
  let hashes = new Uint8Array(CHUNK * HASH_SIZE);
  let count = 0;
  const flush = () => {
    if (count === 0) return;
    post({ kind: 'leaves', slots, hashes, count }, [slots.buffer, hashes.buffer]);
    slots = new Int32Array(CHUNK);
    hashes = new Uint8Array(CHUNK * HASH_SIZE);
    count = 0;
  };
  return {
    checkTiles: (tiles, size, root) => post({ kind: 'tiles', tiles, size, root }),
    pushLeaf(slot, leaf) {
      slots[count] = slot;
      hashes.set(leaf, count * HASH_SIZE);
      if (++count === CHUNK) flush();
    },
    results: () =>
      new Promise((resolve, reject) => {
        if (ended) return reject(ended);
        const settle = (answer: () => void) => {
          worker.off('message', onMessage).off('error', onEnd).off('exit', onEnd).unref();
          answer();
        };
        const onMessage = (results: { tiles: UsageFailure | null; roots: Map<number, Uint8Array> }) => settle(() => resolve(results));
        const onEnd = () => settle(() => reject(ended));
        worker.on('message', onMessage).once('error', onEnd).once('exit', onEnd).ref();
        flush();
        post({ kind: 'results' });
      }),
    close: async () => void (await worker.terminate()),
  };
}

/**
 * Compiled (.bin-build/, scripts/build-bins.mjs), the worker is compiled beside the CLI; run from
 * source (tsx, vitest), it loads its TypeScript through tsx (hashing-worker-source.mjs).
 */
function spawn(): Worker {
  const fromSource = new URL(import.meta.url).pathname.endsWith('.ts'); // tsx adds a query
  // Not the process's node options (--eval, --input-type… would stop the worker from loading).
  return new Worker(new URL(fromSource ? './hashing-worker-source.mjs' : './usage-hashing-worker.mjs', import.meta.url), { execArgv: [] });
}
