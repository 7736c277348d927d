// OpenTelemetry spans for the exchange pipeline: one span per exchange (its parent the caller's
// W3C traceparent, when it sent one), one per phase, one for the group commit and one for the
// forward. Tracing is off unless start-up enabled it (otlp.ts): then no tracer exists and each
// phase costs one null check, so a process without OTEL_EXPORTER_OTLP_ENDPOINT pays nothing else.
import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';

let tracer: Tracer | null = null;

/** Called once by start-up when an exporter is configured. */
export function enableTracing(t: Tracer): void {
  tracer = t;
}

/** The caller's W3C trace context headers. */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The trace id of a well-formed traceparent (W3C Trace Context), else undefined. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  const match = traceparent ? TRACEPARENT.exec(traceparent.trim()) : null;
  return match && !/^0+$/.test(match[1]!) ? match[1] : undefined;
}

const carrierGetter = {
  keys: (c: TraceCarrier) => Object.keys(c),
  get: (c: TraceCarrier, key: string) => (key === 'traceparent' ? c.traceparent : key === 'tracestate' ? c.tracestate : undefined),
};

/**
 * Runs an exchange inside its span, a child of the caller's trace context; `fn` gets the span
 * (undefined when tracing is off) to add what the exchange learns.
 */
export function inExchangeSpan<T>(carrier: TraceCarrier, fn: (span: Span | undefined) => Promise<T>): Promise<T> {
  if (!tracer) return fn(undefined);
  const parent = propagation.extract(context.active(), carrier, carrierGetter);
  return tracer.startActiveSpan('exchange', { kind: SpanKind.SERVER, attributes: { 'http.route': '/v1/exchange', 'http.request.method': 'POST' } }, parent, (span) =>
    settle(span, fn(span)),
  );
}

/** Runs `fn` in a child span of the active one; synchronous work stays synchronous. */
export function inSpan<T>(name: string, fn: (span: Span | undefined) => T, attributes?: Attributes, kind = SpanKind.INTERNAL): T {
  if (!tracer) return fn(undefined);
  return tracer.startActiveSpan(name, { kind, ...(attributes && { attributes }) }, (span) => {
    let result: T;
    try {
      result = fn(span);
    } catch (err) {
      fail(span, err);
      span.end();
      throw err;
    }
    if (result instanceof Promise) return settle(span, result) as T;
    span.end();
    return result;
  });
}

function settle<T>(span: Span, result: Promise<T>): Promise<T> {
  return result.then(
    (value) => {
      span.end();
      return value;
    },
    (err: unknown) => {
      fail(span, err);
      span.end();
      throw err;
    },
  );
}

function fail(span: Span, err: unknown): void {
  const code = (err as { code?: unknown } | null)?.code;
  span.setStatus({ code: SpanStatusCode.ERROR, message: typeof code === 'string' ? code : err instanceof Error ? err.message : String(err) });
}

/** The OpenTelemetry trace id of the active span, for logs. */
export function activeTraceId(): string | undefined {
  if (!tracer) return undefined;
  return trace.getActiveSpan()?.spanContext().traceId;
}

/**
 * The trace context headers a forwarded request carries: the active span's when tracing is on;
 * else the caller's own, passed through unchanged so the receiver still joins the caller's trace.
 */
export function outgoingTraceHeaders(caller: TraceCarrier): Record<string, string> {
  if (!tracer) {
    if (!traceIdOf(caller.traceparent)) return {};
    return { traceparent: caller.traceparent!.trim(), ...(caller.tracestate && { tracestate: caller.tracestate }) };
  }
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  return headers;
}
