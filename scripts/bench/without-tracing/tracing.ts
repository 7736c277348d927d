// The "build without tracing" of the tracing benchmark: server/telemetry/tracing.ts with every
// function reduced to what the pipeline needs to run (spans become plain calls, no trace context
// is read or sent) and no @opentelemetry import. Typed against the real module so the two cannot drift.
import type * as Tracing from '../../../server/telemetry/tracing';

export const enableTracing: typeof Tracing.enableTracing = () => {};
export const traceIdOf: typeof Tracing.traceIdOf = () => undefined;
export const inExchangeSpan: typeof Tracing.inExchangeSpan = (_carrier, fn) => fn(undefined);
export const inSpan: typeof Tracing.inSpan = (_name, fn) => fn(undefined);
export const activeTraceId: typeof Tracing.activeTraceId = () => undefined;
export const outgoingTraceHeaders: typeof Tracing.outgoingTraceHeaders = () => ({});
