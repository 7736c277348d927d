// Structured logs: one JSON object per line on stdout (pino), level from SP_LOG_LEVEL. Lines are
// written asynchronously (buffered, flushed on exit), so the request log costs the hot path a
// serialization, not a write. Secrets are masked: fields named like secrets by pino's redaction,
// and any text (messages, error messages and stacks) by redactSecrets.
import pino, { type DestinationStream, type Logger } from 'pino';
import { logLevelFromEnv } from '../config';
import { redactSecrets } from '../security/redact';

const SECRET_FIELDS = ['password', 'secret', 'token', 'apiKey', 'api_key', 'authorization', 'cookie'];

export function createLogger(level: string, destination: DestinationStream = pino.destination({ sync: false })): Logger {
  return pino(
    {
      level,
      base: { service: 'signet', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...SECRET_FIELDS, ...SECRET_FIELDS.map((f) => `*.${f}`), 'headers["x-signet-api-key"]', 'headers["x-odin-api-key"]'], censor: '[redacted]' },
      serializers: {
        err: (err: unknown) => {
          if (!(err instanceof Error)) return redactSecrets(String(err));
          const code = (err as { code?: unknown }).code;
          return { type: err.name, message: redactSecrets(err.message), stack: redactSecrets(err.stack ?? ''), ...(code !== undefined && { code }) };
        },
      },
      hooks: {
        logMethod(args, method) {
          for (let i = 0; i < args.length; i++) if (typeof args[i] === 'string') args[i] = redactSecrets(args[i] as string);
          method.apply(this, args);
        },
      },
    },
    destination,
  );
}

/** The process's logger. */
export let logger = createLogger(logLevelFromEnv());

/** Sends the process's log to another stream (tests read the lines they cause); returns the undo. */
export function redirectLog(destination: DestinationStream, level: string = logger.level): () => void {
  const previous = logger;
  logger = createLogger(level, destination);
  return () => void (logger = previous);
}
