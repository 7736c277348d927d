// POST /v1/exchange as a pipeline of small named phases:
// auth → sanitize → validate input → repair arguments → transform → validate output →
// invariants → policy → forward → receipt → usage.
// Every refusal is an ExchangeError (an AppError: its SPEC code fixes the status); nothing is
// written for it. A used idempotency key replays its stored response instead (replay.ts says
// when it is looked up).
import { randomUUID } from 'node:crypto';
import { authenticateApiKey, type ApiPrincipal } from '../apikeys/authenticate';
import { getDatabase } from '../db';
import { isDatabaseUnavailable } from '../db/unavailable';
import { evaluateForward, systemResolver, type Resolver } from '../egress/policy';
import { forwardPayload, type ForwardOptions } from '../egress/forward';
import { activeSigner } from '../keys/signing-keys';
import { loneSurrogatePath } from '../mappings/exact-json';
import { checkInvariants, TransformError, type ExchangeMapping, type MappingRegistry } from '../mappings/registry';
import { deniedTotal, exchangesTotal, fallbackUsedTotal, fuTokensTotal } from '../metrics/registry';
import { cid } from '../receipts/canonical';
import { buildReceipt } from '../receipts/build';
import type { ForwardOutcome, ReceiptPolicy, ReceiptRepair } from '../receipts/types';
import type { ExchangeResponseBody } from '../receipts/wire-schema';
import { logRequest } from '../requestlog/writer';
import { globalAllowlist } from '../settings/global-allowlist';
import { inExchangeSpan, type TraceCarrier } from '../telemetry/tracing';
import { commitExchange } from './commit';
import { ExchangeError } from './errors';
import { ReplayFound, ReplayGuard, storedReplay } from './replay';
import { idempotencyKeyOf, notUnicode, parseExchangeBody, type ExchangeRequest } from './request';
import { ExternalTime, observePhase, timed } from './timing';

/** The LLM fallback, when configured (server/fallback/service.ts). */
export interface FallbackRepairer {
  /** `release` ends the repair's quota hold; call it once the exchange committed or failed. */
  repair(input: { principal: ApiPrincipal; brokenText: string; mapping: ExchangeMapping; reason: string }): Promise<{ value: unknown; tokens: number; repair: ReceiptRepair; release(): void }>;
}

export interface ExchangeDeps {
  registry: MappingRegistry;
  maxJsonDepth: number;
  resolver?: Resolver;
  forwardOptions?: ForwardOptions;
  fallback?: FallbackRepairer;
  /** Per-key rate limiting (server/ratelimit); throws ExchangeError 429 when exceeded. */
  rateLimit?(principal: ApiPrincipal): Promise<void>;
}

export interface ExchangeCall {
  apiKey: string | null | undefined;
  idempotencyKey: string | null | undefined;
  body: Uint8Array;
  /** The caller's W3C trace context: the exchange's span continues it, and a forward carries it on. */
  traceContext?: TraceCarrier;
  /** Filled in as the exchange learns them, for the request log. */
  facts?: ExchangeFacts;
}

export interface ExchangeFacts {
  tenant?: string;
  /** Signet's trace id (the receipt chain's). */
  traceId?: string;
  /** The exchange span's OpenTelemetry trace id, when tracing. */
  otelTraceId?: string;
  payloadType?: string;
  targetType?: string;
}

export interface ExchangeResponse {
  body: string;
  traceId: string;
  replay: boolean;
}

const AUTH_MESSAGES = {
  missing: ['API_KEY_MISSING', 'an API key is required (X-SIGNET-API-Key header)'],
  unknown: ['API_KEY_INVALID', 'the API key is not valid'],
  revoked: ['API_KEY_REVOKED', 'the API key has been revoked'],
  expired: ['API_KEY_EXPIRED', 'the API key has expired'],
} as const;

export function runExchange(call: ExchangeCall, deps: ExchangeDeps): Promise<ExchangeResponse> {
  return inExchangeSpan(call.traceContext ?? {}, async (span) => {
    const start = performance.now();
    const external = new ExternalTime();
    const facts = (call.facts ??= {});
    if (span) facts.otelTraceId = span.spanContext().traceId;
    let tenant = 'unknown';
    let keyId: string | null = null;
    // Rows for the request log that the receipt's transaction does not write (server/requestlog).
    const logOutcome = (status: number, error?: { code: string; message: string }) => {
      if (!keyId) return;
      const totalMs = performance.now() - start;
      logRequest({
        tenantId: tenant,
        apiKeyId: keyId,
        occurredAt: new Date(),
        payloadType: facts.payloadType,
        targetType: facts.targetType,
        status,
        errorCode: error?.code,
        errorMessage: error?.message,
        replay: !error,
        totalMs,
        addedMs: totalMs - external.seconds * 1000,
        traceId: facts.traceId,
      });
    };
    try {
      const principal = await timed('auth', async () => {
        const p = await authenticateApiKey(call.apiKey);
        if (typeof p === 'string') throw new ExchangeError(AUTH_MESSAGES[p][0], AUTH_MESSAGES[p][1]);
        return p;
      });
      tenant = principal.tenantId;
      keyId = principal.keyId;
      facts.tenant = tenant;
      span?.setAttribute('signet.tenant', tenant);
      await deps.rateLimit?.(principal);
      const response = await exchangeFor(principal, call, deps, { start, external });
      span?.setAttributes({ 'signet.trace_id': response.traceId, 'signet.replay': response.replay, 'http.response.status_code': 200 });
      if (response.replay) logOutcome(200);
      return response;
    } catch (err) {
      if (err instanceof ExchangeError) {
        span?.setAttributes({ 'http.response.status_code': err.status, 'signet.error_code': err.code });
        deniedTotal.inc({ reason: err.code, tenant });
        logOutcome(err.status, err);
      } else if (!isDatabaseUnavailable(err)) {
        logOutcome(500, { code: 'INTERNAL', message: 'internal error; nothing was recorded for this request' });
      }
      throw err;
    } finally {
      const total = (performance.now() - start) / 1000;
      observePhase('total', total);
      observePhase('added', total - external.seconds);
    }
  });
}

/** When the exchange started (performance.now()) and the time it spent waiting on others. */
interface Clock {
  start: number;
  external: ExternalTime;
}

async function exchangeFor(principal: ApiPrincipal, call: ExchangeCall, deps: ExchangeDeps, clock: Clock): Promise<ExchangeResponse> {
  const idempotencyKey = idempotencyKeyOf(call.idempotencyKey);
  const replay = new ReplayGuard(getDatabase().sql, principal.keyId, idempotencyKey);
  try {
    const response = await newExchange(principal, call, deps, { idempotencyKey, replay, clock });
    replay.remember();
    return response;
  } catch (err) {
    if (err instanceof ReplayFound) return { ...err.replay, replay: true };
    if (err instanceof ExchangeError) {
      const stored = await replay.lookup();
      if (stored) return { ...stored, replay: true };
    }
    throw err;
  } finally {
    await replay.release();
  }
}

interface InFlight {
  idempotencyKey: string;
  replay: ReplayGuard;
  clock: Clock;
}

async function newExchange(principal: ApiPrincipal, call: ExchangeCall, deps: ExchangeDeps, { idempotencyKey, replay, clock }: InFlight): Promise<ExchangeResponse> {
  if (replay.seenRecently) await replay.check();
  const request = timed('sanitize', () => parseExchangeBody(call.body, deps.maxJsonDepth));
  if (call.facts) {
    call.facts.payloadType = request.payload_type;
    call.facts.targetType = request.target_type;
  }
  // Forwarding is not repeated for a replay.
  if (request.forward_url) await replay.claim();
  const mapping = deps.registry.get(request.payload_type, request.target_type);
  if (!mapping) {
    throw new ExchangeError('UNKNOWN_MAPPING', `no mapping from ${request.payload_type} to ${request.target_type}`, {
      details: { available: deps.registry.list().map((m) => `${m.payloadType} → ${m.targetType}`) },
    });
  }
  const traceId = request.trace_id ?? `tr_${randomUUID()}`;
  if (call.facts) call.facts.traceId = traceId;

  timed('validate_input', () => {
    const issues = mapping.validateInput(request.payload);
    if (issues.length) throw new ExchangeError('INPUT_SCHEMA_INVALID', `payload does not match ${mapping.payloadType}: ${describe(issues)}`, { details: { issues } });
  });
  const { args, fuTokens, repair, release } = await timed('repair', () => repairArguments(principal, request, mapping, deps, replay, clock.external));
  try {
    return await finishExchange(principal, request, mapping, deps, { idempotencyKey, traceId, args, fuTokens, repair, clock, traceContext: call.traceContext ?? {} });
  } finally {
    release?.();
  }
}

async function finishExchange(
  principal: ApiPrincipal,
  request: ExchangeRequest,
  mapping: ExchangeMapping,
  deps: ExchangeDeps,
  {
    idempotencyKey,
    traceId,
    args,
    fuTokens,
    repair,
    clock,
    traceContext,
  }: { idempotencyKey: string; traceId: string; args: unknown; fuTokens: number; repair?: ReceiptRepair; clock: Clock; traceContext: TraceCarrier },
): Promise<ExchangeResponse> {
  const sql = getDatabase().sql;
  const normalized = await timed('transform', async () => {
    try {
      return await mapping.transform(request.payload, args, { traceId, tenant: principal.tenantId });
    } catch (err) {
      if (err instanceof TransformError) throw new ExchangeError('TRANSFORM_FAILED', err.message);
      throw err;
    }
  });
  timed('validate_output', () => {
    const issues = mapping.validateOutput(normalized);
    if (issues.length) throw new ExchangeError('OUTPUT_SCHEMA_INVALID', `mapped payload does not match ${mapping.targetType}: ${describe(issues)}`, { details: { issues } });
  });
  timed('invariants', () => {
    const invariants = checkInvariants(request.semantic_invariants ?? [], request.payload, normalized, mapping);
    if ('unknown' in invariants) {
      throw new ExchangeError('UNKNOWN_INVARIANT', `unknown semantic invariant(s): ${invariants.unknown.join(', ')}`, { details: { known: invariants.known } });
    }
    if (invariants.length) {
      throw new ExchangeError('SEMANTIC_INVARIANT_VIOLATED', `semantic invariants violated: ${invariants.map((v) => `${v.invariant} at ${v.path}: ${v.message}`).join('; ')}`, {
        details: { semantic_violations: invariants },
      });
    }
  });

  const decision = await timed('policy', async () => {
    if (!request.forward_url) return null;
    const allowlist = [...principal.allowlist, ...(await globalAllowlist())];
    const d = await evaluateForward(request.forward_url, allowlist, deps.resolver ?? systemResolver);
    if (!d.allowed) throw new ExchangeError(d.code, d.message);
    return d;
  });
  const policy: ReceiptPolicy = { engine: 'HEL', allowed: true, reason: decision ? 'ok' : 'no_forward' };
  const forwarded: ForwardOutcome | undefined = decision
    ? await timed('forward', () =>
        clock.external.measure(() => forwardPayload(decision, JSON.stringify(normalized), { trace: traceId, cid: cid(normalized), traceContext }, deps.forwardOptions)),
      )
    : undefined;

  const signer = await activeSigner();
  const committed = await timed('receipt', () =>
    commitExchange(sql, {
      apiKeyId: principal.keyId,
      idempotencyKey,
      tenantId: principal.tenantId,
      traceId,
      fuTokens,
      startedAt: clock.start,
      externalMs: () => clock.external.seconds * 1000,
      seal: ({ hop, prevReceiptHash }) => {
        const receipt = buildReceipt(
          {
            trace_id: traceId,
            hop,
            ts: new Date().toISOString(),
            tenant: principal.tenantId,
            payload_type: mapping.payloadType,
            target_type: mapping.targetType,
            normalized,
            prev_receipt_hash: prevReceiptHash,
            policy,
            ...(forwarded && { forwarded }),
            ...(fuTokens > 0 && { fallback_used: true, fu_tokens: fuTokens }),
            ...(repair && { repair }),
          },
          signer,
        );
        const { ts, receipt_hash, prev_receipt_hash, kid, sig } = receipt;
        // Typed as the documented schema (checked by the compiler, not parsed per request); every
        // field is spelled out so that one the schema lacks fails to compile. JSON.stringify
        // leaves the undefined ones out.
        const response: ExchangeResponseBody = {
          trace_id: traceId,
          normalized,
          policy,
          receipt: { ts, cid: receipt.cid, receipt_hash, prev_receipt_hash, hop, kid, sig },
          forwarded,
          fallback_used: fuTokens > 0 ? true : undefined,
          fu_tokens: fuTokens > 0 ? fuTokens : undefined,
          repair,
        };
        return { receipt, responseBody: JSON.stringify(response) };
      },
    }),
  );
  if (committed.kind === 'replay') return { ...storedReplay(committed.responseBody), replay: true };

  timed('usage', () => {
    exchangesTotal.inc({ tenant: principal.tenantId, api_key: principal.prefix });
    if (fuTokens > 0) {
      fallbackUsedTotal.inc({ tenant: principal.tenantId });
      fuTokensTotal.inc({ tenant: principal.tenantId }, fuTokens);
    }
  });
  return { body: committed.responseBody, traceId, replay: false };
}

/**
 * Tool-call arguments: parse, repair deterministically, then (if allowed) the LLM fallback. What
 * the rules find ambiguous or truncated is refused outright: a model could only guess it.
 */
async function repairArguments(
  principal: ApiPrincipal,
  request: ExchangeRequest,
  mapping: ExchangeMapping,
  deps: ExchangeDeps,
  replay: ReplayGuard,
  external: ExternalTime,
): Promise<{ args: unknown; fuTokens: number; repair?: ReceiptRepair; release?(): void }> {
  if (!mapping.extractArguments || !mapping.parseArguments || !mapping.validateArguments) return { args: undefined, fuTokens: 0 };
  const text = mapping.extractArguments(request.payload);
  const parsed = mapping.parseArguments(text);
  if (!parsed.ok && parsed.code !== 'ARGUMENTS_UNREPAIRABLE') throw new ExchangeError(parsed.code, parsed.error);
  if (parsed.ok) refuseLoneSurrogates(parsed.value);
  const issues = parsed.ok ? mapping.validateArguments(parsed.value) : [];
  if (parsed.ok && issues.length === 0) return { args: parsed.value, fuTokens: 0, repair: parsed.repair };

  const reason = parsed.ok ? `arguments do not match the schema: ${describe(issues)}` : `arguments are not repairable JSON: ${parsed.error}`;
  const { fallback } = deps;
  if (fallback && principal.fallbackEnabled) {
    await replay.claim(); // the fallback is metered: never spend it on a replay
    const repaired = await external.measure(() => fallback.repair({ principal, brokenText: text, mapping, reason }));
    try {
      refuseLoneSurrogates(repaired.value);
    } catch (err) {
      repaired.release();
      throw err;
    }
    return { args: repaired.value, fuTokens: repaired.tokens, repair: repaired.repair, release: repaired.release };
  }
  if (!parsed.ok) throw new ExchangeError('ARGUMENTS_UNREPAIRABLE', reason);
  throw new ExchangeError('ARGUMENTS_SCHEMA_INVALID', reason, { details: { issues } });
}

/** Arguments JSON spelled a string Unicode cannot hold; a receipt could not canonicalize it. */
function refuseLoneSurrogates(args: unknown): void {
  const at = loneSurrogatePath(args);
  if (at !== null) throw notUnicode(`the arguments at ${at}`);
}

function describe(issues: { path: string; message: string }[]): string {
  const shown = issues.slice(0, 5).map((i) => `${i.path || '/'} ${i.message}`);
  return shown.join('; ') + (issues.length > 5 ? ` (and ${issues.length - 5} more)` : '');
}
