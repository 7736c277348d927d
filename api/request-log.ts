// What every API request leaves behind: one JSON log line (request id, tenant, route, status,
// latency, Signet's trace id and the OpenTelemetry trace id) and one count in
// signet_http_requests_total{route,status}, the availability SLI.
import { httpRequestsTotal } from '@/server/metrics/registry';
import { logger } from '@/server/telemetry/logger';

export interface RequestRecord {
  requestId: string;
  method: string;
  /** The matched route pattern, never the raw path (bounded metric labels). */
  route: string;
  status: number;
  startedAt: number;
  tenant?: string;
  signetTraceId?: string;
  /** The OpenTelemetry trace: the exchange span's, or the caller's traceparent when tracing is off. */
  traceId?: string;
}

export function recordRequest(r: RequestRecord): void {
  httpRequestsTotal.inc({ route: r.route, status: r.status });
  if (!logger.isLevelEnabled('info')) return;
  logger.info(
    {
      request_id: r.requestId,
      method: r.method,
      route: r.route,
      status: r.status,
      latency_ms: Math.round((performance.now() - r.startedAt) * 1000) / 1000,
      ...(r.tenant && { tenant: r.tenant }),
      ...(r.signetTraceId && { signet_trace_id: r.signetTraceId }),
      ...(r.traceId && { trace_id: r.traceId }),
    },
    'request',
  );
}
