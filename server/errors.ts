// The one domain error type. Every failure a caller may see (API client or portal user) is an
// AppError whose code comes from ERRORS: the code fixes the HTTP status the API answers with, the
// tRPC code the portal receives and the user-safe message used when the thrower gives none.
// The API's codes are wire contract (SPEC §4): never rename one the API sends.
// Framework-free: api/errors.ts and trpc/init.ts map AppError to their transports, once each.
import { DATABASE_RETRY_AFTER_S, isDatabaseUnavailable } from './db/unavailable';

/** The tRPC error codes this table uses (checked against tRPC's own list in trpc/init.ts). */
export type TrpcCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'TIMEOUT'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNPROCESSABLE_CONTENT'
  | 'TOO_MANY_REQUESTS'
  | 'INTERNAL_SERVER_ERROR'
  | 'BAD_GATEWAY'
  | 'SERVICE_UNAVAILABLE'
  | 'GATEWAY_TIMEOUT';

export type ErrorStatus = 400 | 401 | 403 | 404 | 408 | 409 | 412 | 413 | 422 | 429 | 431 | 500 | 502 | 503 | 504;

export interface ErrorKind {
  status: ErrorStatus;
  trpc: TrpcCode;
  /** Shown when the thrower gives no message of its own; never names internals. */
  message: string;
}

const bad = (message: string): ErrorKind => ({ status: 400, trpc: 'BAD_REQUEST', message });
const unauthenticated = (message: string): ErrorKind => ({ status: 401, trpc: 'UNAUTHORIZED', message });
const forbidden = (message: string): ErrorKind => ({ status: 403, trpc: 'FORBIDDEN', message });
const notFound = (message: string): ErrorKind => ({ status: 404, trpc: 'NOT_FOUND', message });
const conflict = (message: string): ErrorKind => ({ status: 409, trpc: 'CONFLICT', message });
const unprocessable = (message: string): ErrorKind => ({ status: 422, trpc: 'UNPROCESSABLE_CONTENT', message });
const tooMany = (message: string): ErrorKind => ({ status: 429, trpc: 'TOO_MANY_REQUESTS', message });

export const ERRORS = {
  // The request itself (API).
  INVALID_JSON: bad('The request body is not valid JSON.'),
  INVALID_REQUEST: bad('The request is not valid.'),
  IDEMPOTENCY_KEY_REQUIRED: bad('The X-SIGNET-Idempotency-Key header is required.'),
  IDEMPOTENCY_KEY_INVALID: bad('Idempotency keys are 1–200 printable ASCII characters.'),
  TENANT_REQUIRED: bad('Name the tenant this request is about.'),
  PERIOD_INVALID: bad('The billing period is not valid.'),
  RESERVED_CONFIG_INVALID: bad('The reserved capacity configuration is not valid.'),
  WEBHOOK_SIGNATURE_INVALID: bad('The webhook signature does not verify.'),
  REQUEST_TIMEOUT: { status: 408, trpc: 'TIMEOUT', message: 'The request was not received in time.' },
  PAYLOAD_TOO_LARGE: { status: 413, trpc: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large.' },
  HEADERS_TOO_LARGE: { status: 431, trpc: 'BAD_REQUEST', message: 'The request headers are too large.' },

  // Who is calling.
  API_KEY_MISSING: unauthenticated('An API key is required (X-SIGNET-API-Key header).'),
  API_KEY_INVALID: unauthenticated('The API key is not valid.'),
  API_KEY_REVOKED: unauthenticated('The API key has been revoked.'),
  API_KEY_EXPIRED: unauthenticated('The API key has expired.'),
  ADMIN_AUTH_REQUIRED: unauthenticated('Sign in as an admin or send the admin token.'),
  ADMIN_TOKEN_INVALID: unauthenticated('The admin token is not valid.'),
  METRICS_TOKEN_REQUIRED: unauthenticated('Send the metrics bearer token.'),
  METRICS_TOKEN_INVALID: unauthenticated('The metrics bearer token is not valid.'),
  SIGN_IN_REQUIRED: unauthenticated('Sign in first.'),
  ADMIN_ONLY: forbidden('Admins only.'),
  FORBIDDEN: forbidden('You may not do this.'),

  // HEL egress policy (SPEC §4: 403).
  HEL_URL_INVALID: forbidden('The forward URL is not valid.'),
  HEL_SCHEME_NOT_HTTPS: forbidden('Forwards must use https.'),
  HEL_HOST_NOT_ALLOWED: forbidden('The forward host is not on the allowlist.'),
  HEL_RESOLUTION_FAILED: forbidden('The forward host did not resolve.'),
  HEL_RESOLVED_PRIVATE: forbidden('The forward host resolves to a private address.'),
  HEL_RESOLVED_LOOPBACK: forbidden('The forward host resolves to a loopback address.'),
  HEL_RESOLVED_LINKLOCAL: forbidden('The forward host resolves to a link-local address.'),

  // Things that are not there.
  NOT_FOUND: notFound('Not found.'),
  TRACE_NOT_FOUND: notFound('No such trace.'),
  TENANT_NOT_FOUND: notFound('No such tenant.'),
  LOG_NOT_STARTED: notFound('The transparency log has no checkpoint yet.'),
  LOG_TILE_NOT_FOUND: notFound('No such log tile.'),
  LOG_ENTRY_NOT_FOUND: notFound('The receipt is not in the log.'),
  LOG_CHECKPOINT_NOT_FOUND: notFound('The log never signed a checkpoint of that size.'),

  // State that forbids the change.
  CHAIN_CONFLICT: conflict('The chain changed concurrently; retry the request.'),
  RESERVED_CONFIG_NOT_SET: conflict('No reserved capacity file is configured.'),
  RESERVED_CONFIG_MISSING: conflict('The reserved capacity file cannot be read.'),
  CONFLICT: conflict('This conflicts with the current state.'),
  LAST_OWNER: { status: 412, trpc: 'PRECONDITION_FAILED', message: 'A tenant must keep at least one owner.' },

  // The exchange's content (SPEC §4: 422).
  UNKNOWN_MAPPING: unprocessable('There is no mapping between these types.'),
  INPUT_SCHEMA_INVALID: unprocessable('The payload does not match its schema.'),
  INVALID_UNICODE: unprocessable('A string is not well-formed Unicode.'),
  TRANSFORM_FAILED: unprocessable('The mapping could not transform the payload.'),
  OUTPUT_SCHEMA_INVALID: unprocessable('The mapped payload does not match the target schema.'),
  UNKNOWN_INVARIANT: unprocessable('The mapping names an unknown semantic invariant.'),
  SEMANTIC_INVARIANT_VIOLATED: unprocessable('A semantic invariant is violated.'),
  ARGUMENTS_AMBIGUOUS: unprocessable('The tool-call arguments are ambiguous.'),
  ARGUMENTS_TRUNCATED: unprocessable('The tool-call arguments are truncated.'),
  ARGUMENTS_UNREPAIRABLE: unprocessable('The tool-call arguments cannot be repaired.'),
  ARGUMENTS_SCHEMA_INVALID: unprocessable('The tool-call arguments do not match their schema.'),
  FALLBACK_EXHAUSTED: unprocessable('The LLM fallback could not repair the arguments.'),

  // Limits.
  RATE_LIMITED: tooMany('Rate limit exceeded for this API key.'),
  FU_QUOTA_EXCEEDED: tooMany('The monthly Fallback Unit quota is used up.'),
  THROTTLED: tooMany('Too many attempts; wait before trying again.'),

  // Portal forms and admin edits.
  EMAIL_TAKEN: bad('An account with this email already exists.'),
  WEAK_PASSWORD: bad('The password is too short.'),
  RESET_LINK_INVALID: bad('This reset link has expired or was already used. Ask for a new one.'),
  INVITATION_INVALID: bad('This invitation cannot be accepted.'),
  ALLOWLIST_ENTRY_INVALID: bad('The allowlist entry is not valid.'),
  CATALOG_EDIT_INVALID: bad('The plan catalog edit is not valid.'),
  PLAN_CHANGE_REFUSED: bad('This plan change is not possible.'),
  BILLING_ACTION_REFUSED: bad('The billing action is not possible.'),

  // Failures on our side or upstream.
  INTERNAL: { status: 500, trpc: 'INTERNAL_SERVER_ERROR', message: 'internal error; nothing was recorded for this request' },
  AUDIT_LOG_FAILED: { status: 500, trpc: 'INTERNAL_SERVER_ERROR', message: 'The change was not made: the audit log could not record it.' },
  FALLBACK_PROVIDER_ERROR: { status: 502, trpc: 'BAD_GATEWAY', message: 'The LLM fallback provider failed.' },
  FALLBACK_UNAVAILABLE: { status: 503, trpc: 'SERVICE_UNAVAILABLE', message: 'The LLM fallback is unavailable.' },
  DATABASE_UNAVAILABLE: { status: 503, trpc: 'SERVICE_UNAVAILABLE', message: 'the database is unreachable; retry later with the same idempotency key' },
  FALLBACK_TIMEOUT: { status: 504, trpc: 'GATEWAY_TIMEOUT', message: 'The LLM fallback timed out.' },
} as const satisfies Record<string, ErrorKind>;

export type ErrorCode = keyof typeof ERRORS;

/** Every code, for enums (the OpenAPI document lists them). */
export const ERROR_CODES = Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]];

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERRORS, value);
}

export interface AppErrorOptions {
  /** Structured facts for the caller (the API spreads them into `error`; tRPC sends them as data.details). */
  details?: Record<string, unknown>;
  /** Response headers the API adds (Retry-After, WWW-Authenticate, …). */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class AppError extends Error {
  readonly details?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    message: string = ERRORS[code].message,
    options: AppErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    if (options.details) this.details = options.details;
    if (options.headers) this.headers = options.headers;
  }

  get status(): ErrorStatus {
    return ERRORS[this.code].status;
  }

  get trpcCode(): TrpcCode {
    return ERRORS[this.code].trpc;
  }
}

/** The AppError a thrown value stands for: itself, or DATABASE_UNAVAILABLE when the database was lost; undefined when unexpected. */
export function asAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (isDatabaseUnavailable(err)) return new AppError('DATABASE_UNAVAILABLE', undefined, { headers: { 'Retry-After': DATABASE_RETRY_AFTER_S }, cause: err });
  return undefined;
}
