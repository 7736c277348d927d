#!/usr/bin/env node
// Runs the TypeScript witness through tsx, as bin/signet-verify.js does for the verifier.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../server/witness/server.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2));
