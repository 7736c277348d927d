#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the verifier ships as source without a build step.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../server/receipts/cli.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2));
