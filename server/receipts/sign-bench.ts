/** Compares Ed25519 signing throughput: node:crypto vs @noble/ed25519. Run: npx tsx server/receipts/sign-bench.ts */
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { cid } from './canonical';
import { createSigner, generateSeed } from './node-signer';

ed.hashes.sha512 ??= sha512;

const seed = generateSeed();
const message = utf8ToBytes(cid({ bench: true })); // a receipt_hash, as signed on the hot path
const nodeSigner = createSigner(seed, 'bench');

function opsPerSecond(sign: () => unknown, durationMs = 1500): number {
  for (let i = 0; i < 200; i++) sign(); // warm up the JIT
  let ops = 0;
  const start = performance.now();
  while (performance.now() - start < durationMs) {
    for (let i = 0; i < 50; i++) sign();
    ops += 50;
  }
  return Math.round((ops * 1000) / (performance.now() - start));
}

console.log(`node:crypto     ${opsPerSecond(() => nodeSigner.sign(message))} signatures/s`);
console.log(`@noble/ed25519  ${opsPerSecond(() => ed.sign(message, seed))} signatures/s`);
