#!/usr/bin/env node
// The witness, compiled or through tsx, as bin/signet-verify.js runs the verifier.
import { compiledBin } from './compiled.js';

const compiled = compiledBin('signet-witness');
const { main } = compiled ? await import(compiled) : await (await import('tsx/esm/api')).tsImport('../server/witness/server.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2));
