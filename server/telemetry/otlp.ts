// Starts OpenTelemetry tracing when an OTLP endpoint is configured (the SDK's own variables:
// OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_EXPORTER_OTLP_HEADERS,
// OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES…). Spans go out in batches as OTLP/HTTP JSON.
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { VERSION } from '../version';
import { enableTracing } from './tracing';

export interface Tracing {
  /** Exports the spans still buffered. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Tracing when an endpoint is configured (Config.otlpEndpoint), else null and nothing registered. */
export function startTracing(endpoint: string | null): Tracing | null {
  if (!endpoint) return null;
  const resource = resourceFromAttributes({ 'service.name': 'signet', 'service.version': VERSION }).merge(detectResources({ detectors: [envDetector] }));
  const provider = new TracerProvider({ resource, spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  enableTracing(provider.getTracer('signet', VERSION));
  return { flush: () => provider.forceFlush(), shutdown: () => provider.shutdown() };
}
