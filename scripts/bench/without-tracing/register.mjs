// `node --import tsx --import ./scripts/bench/without-tracing/register.mjs server.ts` starts the
// server with server/telemetry/{tracing,otlp}.ts swapped for the stand-ins beside this file.
// Registered after tsx, this hook runs first and rewrites what tsx resolved.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
