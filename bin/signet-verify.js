#!/usr/bin/env node
// Runs the CLI compiled by `npm run generate` (scripts/build-bins.mjs) when it is up to date, else
// the TypeScript through tsx (the same code; ~0.7 s of CPU more to start).
import { compiledBin } from './compiled.js';

const compiled = compiledBin('signet-verify');
const { main } = compiled ? await import(compiled) : await (await import('tsx/esm/api')).tsImport('../server/receipts/cli.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2));
