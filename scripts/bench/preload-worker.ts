// Builds preload chunks off the main thread (scripts/bench/preload.ts).
import { parentPort } from 'node:worker_threads';
import { buildChunk, type ChunkSpec } from './preload';

parentPort!.on('message', (spec: ChunkSpec) => parentPort!.postMessage(buildChunk(spec)));
