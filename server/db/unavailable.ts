// Telling "the database cannot be reached" apart from every other failure, whichever layer
// raised it (node-postgres, the pool, Prisma's driver adapter): such a request answers 503
// DATABASE_UNAVAILABLE with Retry-After, not 500, and nothing was recorded for it.

/** Seconds a client should wait before retrying (a PostgreSQL restart took ~3 s here). */
export const DATABASE_RETRY_AFTER_S = '2';

// Socket failures on the way to the server (ENOENT: its Unix socket is gone while it is down).
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);
// SQLSTATE class 08 (connection exception), shutting down / crashed / starting up, too many connections.
const SQLSTATE = /^(08...|57P0[123]|53300)$/;
// Prisma: can't reach the server, timed out, server closed the connection.
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1017']);
// What Prisma's driver adapters report for the same.
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
// node-postgres and pg-pool say these without a code.
const MESSAGES = /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|Client was closed and is not queryable/;

export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (depth > 5 || err === null || typeof err !== 'object') return false;
  const e = err as { code?: unknown; syscall?: unknown; kind?: unknown; originalCode?: unknown; message?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
  const code = typeof e.code === 'string' ? e.code : '';
  if (SOCKET_CODES.has(code) || (code === 'ENOENT' && e.syscall === 'connect')) return true;
  if (SQLSTATE.test(code) || PRISMA_CODES.has(code)) return true;
  if (typeof e.originalCode === 'string' && SQLSTATE.test(e.originalCode)) return true;
  if (typeof e.kind === 'string' && ADAPTER_KINDS.has(e.kind)) return true;
  if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true;
  if (code === 'ENOENT' && typeof e.message === 'string' && /connect ENOENT/.test(e.message)) return true; // Prisma keeps the code, not the syscall
  return isDatabaseUnavailable(e.cause, depth + 1) || isDatabaseUnavailable(e.meta?.driverAdapterError, depth + 1);
}
