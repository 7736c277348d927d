import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, logLevelFromEnv } from '../config';
import { createLogger } from './logger';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  return { lines, logger: createLogger(level, { write: (line: string) => void lines.push(JSON.parse(line)) }) };
}

afterEach(() => {
  delete process.env.SP_LOG_LEVEL;
});

describe('the structured log', () => {
  it('writes JSON lines with an ISO time and the level by name', () => {
    const { lines, logger } = capture('info');
    logger.info({ request_id: 'r-1', status: 200 }, 'request');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', service: 'signet', request_id: 'r-1', status: 200, msg: 'request' });
    expect(new Date(lines[0]!.time as string).toISOString()).toBe(lines[0]!.time);
  });

  it('masks secrets in fields named like secrets, in messages and in errors', () => {
    const { lines, logger } = capture('info');
    logger.info({ password: 'hunter2', headers: { 'x-signet-api-key': 'sk_live_0a1b2c3d_c2VjcmV0c2VjcmV0' }, config: { token: 't0k3n' } }, 'connecting to postgresql://signet:hunter2@db/signet');
    logger.error({ err: new Error('auth failed with Bearer eyJhbGciOi.abc.def') }, 'unhandled error');
    const text = JSON.stringify(lines);
    for (const secret of ['hunter2', 'c2VjcmV0c2VjcmV0', 't0k3n', 'eyJhbGciOi']) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({ password: '[redacted]', config: { token: '[redacted]' }, msg: 'connecting to postgresql://signet:[redacted]@db/signet' });
    expect(lines[1]).toMatchObject({ level: 'error', err: { type: 'Error', message: 'auth failed with Bearer [redacted]' } });
  });

  it('takes its level from SP_LOG_LEVEL; an unknown one logs at info until start-up refuses it', () => {
    process.env.SP_LOG_LEVEL = 'warn';
    const { lines, logger } = capture(logLevelFromEnv());
    logger.info('dropped');
    logger.warn('kept');
    expect(lines.map((l) => l.msg)).toEqual(['kept']);
    process.env.SP_LOG_LEVEL = 'verbose';
    expect(logLevelFromEnv()).toBe('info');
    expect(() => loadConfig()).toThrow('SP_LOG_LEVEL="verbose": must be one of fatal, error, warn, info, debug, trace, silent');
  });
});
