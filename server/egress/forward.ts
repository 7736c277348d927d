// Delivers a normalized payload to an allowed forward URL over a connection pinned to the
// address the policy validated: the socket's lookup answers only that address, so no second
// DNS query can happen, while TLS still verifies the certificate against the original host.
import { isIP, type LookupFunction } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import { Client } from 'undici';
import { redactSecrets } from '../security/redact';
import { inSpan, outgoingTraceHeaders, type TraceCarrier } from '../telemetry/tracing';
import { VERSION } from '../version';
import type { AllowedForward } from './policy';

export interface ForwardOptions {
  /** TCP connect plus TLS handshake. */
  connectTimeoutMs?: number;
  /** Whole exchange with the receiver, connect to last body byte. */
  totalTimeoutMs?: number;
  maxResponseBytes?: number;
  /** Trust store replacing the system CAs; tests use it for a local test CA. */
  ca?: string | Buffer;
  /**
   * Test seam, set only in code (no configuration reaches it): where the socket connects for a
   * validated address. Pipeline tests map a public-looking address to a loopback test server;
   * the receipt still records the validated address.
   */
  connectAddress?: (pinned: string) => string;
}

/** Exactly the receipt's `forwarded` object (SPEC §2). */
export type ForwardOutcome =
  | { url: string; host: string; status_code: number; pinned_ip: string; response_size: number }
  | { url: string; host: string; error: string };

export const FORWARD_DEFAULTS = {
  connectTimeoutMs: 3_000,
  totalTimeoutMs: 10_000,
  maxResponseBytes: 1_048_576,
} as const;

/** A lookup that answers every query with the one pinned address. */
export function pinnedLookup(address: string): LookupFunction {
  const family = isIP(address);
  if (family === 0) throw new TypeError(`pinned address "${address}" is not an IP address`);
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

const TLS_UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
]);

/** Short, stable description of a failed forward for the receipt. */
function describeFailure(error: unknown): string {
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'connect timeout';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return 'timeout';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return 'connection closed';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'unreachable';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'tls: certificate does not match host';
  if (code === 'CERT_HAS_EXPIRED') return 'tls: certificate expired';
  if (TLS_UNTRUSTED.has(code)) return 'tls: untrusted certificate';
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code.startsWith('CERT_') || code === 'EPROTO') {
    return 'tls: handshake failed';
  }
  return code === '' ? 'request failed' : `request failed: ${code}`;
}

/**
 * POSTs `body` (JSON text) to the allowed URL, connecting only to `decision.addresses[0]`.
 * Never follows redirects (a 3xx is the recorded status). A response body past
 * `maxResponseBytes` is aborted and recorded as the error `response exceeded N bytes`.
 * Never throws for network or receiver failures; they become `{ error }` outcomes.
 * The request carries the W3C trace context: its own span's when tracing, else the caller's.
 */
export function forwardPayload(
  decision: AllowedForward,
  body: string,
  headers: { trace: string; cid: string; traceContext?: TraceCarrier },
  options: ForwardOptions = {},
): Promise<ForwardOutcome> {
  return inSpan(
    'POST',
    async (span) => {
      const outcome = await deliver(decision, body, { ...headers, ...outgoingTraceHeaders(headers.traceContext ?? {}) }, options);
      span?.setAttributes('error' in outcome ? { 'error.type': outcome.error } : { 'http.response.status_code': outcome.status_code, 'network.peer.address': outcome.pinned_ip });
      return outcome;
    },
    { 'http.request.method': 'POST', 'url.full': redactSecrets(decision.url), 'server.address': decision.host },
    SpanKind.CLIENT,
  );
}

async function deliver(
  decision: AllowedForward,
  body: string,
  headers: { trace: string; cid: string; traceparent?: string; tracestate?: string },
  options: ForwardOptions,
): Promise<ForwardOutcome> {
  const { connectTimeoutMs, totalTimeoutMs, maxResponseBytes } = { ...FORWARD_DEFAULTS, ...options };
  const pinned = decision.addresses[0];
  if (pinned === undefined) throw new TypeError('an allowed forward decision must carry at least one address');
  const { url, host } = decision;
  const target = new URL(url);

  const client = new Client(target.origin, {
    connect: { lookup: pinnedLookup(options.connectAddress?.(pinned) ?? pinned), timeout: connectTimeoutMs, ...(options.ca ? { ca: options.ca } : {}) },
    headersTimeout: totalTimeoutMs,
    bodyTimeout: totalTimeoutMs,
  });
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), totalTimeoutMs);

  try {
    const response = await client.request({
      method: 'POST',
      path: `${target.pathname}${target.search}`,
      headers: {
        'content-type': 'application/json',
        'user-agent': `signet/${VERSION}`,
        'x-signet-trace': headers.trace,
        'x-signet-cid': headers.cid,
        ...(headers.traceparent && { traceparent: headers.traceparent }),
        ...(headers.tracestate && { tracestate: headers.tracestate }),
      },
      body,
      signal: deadline.signal,
    });
    const exceeded = { url, host, error: `response exceeded ${maxResponseBytes} bytes` };
    if (Number(response.headers['content-length'] ?? 0) > maxResponseBytes) {
      response.body.destroy();
      return exceeded;
    }
    let size = 0;
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > maxResponseBytes) {
        response.body.destroy();
        return exceeded;
      }
    }
    return { url, host, status_code: response.statusCode, pinned_ip: pinned, response_size: size };
  } catch (error) {
    return { url, host, error: deadline.signal.aborted ? 'timeout' : describeFailure(error) };
  } finally {
    clearTimeout(timer);
    await client.destroy();
  }
}
