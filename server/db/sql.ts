// A minimal raw-SQL client over either driver, for the migration runner and the exchange hot
// path, where Prisma's query engine costs more than the statement itself.
import type { PGlite, Transaction as PGliteTx } from '@electric-sql/pglite';
import type { Pool, PoolClient } from 'pg';

export interface SqlQueryable {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Several statements, no parameters (migrations). */
  exec(text: string): Promise<void>;
}

export interface SqlClient extends SqlQueryable {
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  /** A connection held between statements (see pinnedConnection); statements queue on it. */
  pinned(): PinnedSql;
}

export interface PinnedSql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Gives the connection back to the pool (never while a statement runs); the next query takes one again. */
  release(): void;
}

export function pgliteSql(pg: PGlite): SqlClient {
  const wrap = (q: PGlite | PGliteTx): SqlQueryable => ({
    async query<T>(text: string, params?: unknown[]) {
      return (await q.query<T>(text, params)).rows;
    },
    async exec(text: string) {
      await q.exec(text);
    },
  });
  const direct = wrap(pg);
  return { ...direct, transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))), pinned: () => ({ query: direct.query, release() {} }) };
}

// Parameterised statements are named, so each connection prepares them once and PostgreSQL
// skips parsing and planning on every later call (the exchange hot path repeats a handful).
const statementNames = new Map<string, string>();
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `signet_${statementNames.size}`;
    statementNames.set(text, name);
  }
  return name;
}

// node-postgres quotes each element of a text[] parameter with two regular-expression passes;
// on the JSON receipts and responses of the exchange hot path that cost 3.8 % of the main
// thread. JSON.stringify quotes a string exactly as an array literal does (\" and \\) when
// the string holds no control character or surrogate, and does it natively; others take one
// regular-expression pass.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const QUOTED_DIFFERENTLY_BY_JSON = /[\u0000-\u001f\ud800-\udfff]/;

function quoteArrayElement(s: string): string {
  return QUOTED_DIFFERENTLY_BY_JSON.test(s) ? `"${s.replace(/[\\"]/g, '\\$&')}"` : JSON.stringify(s);
}

/** A flat array of strings as a PostgreSQL array literal; any other value as node-postgres sends it. */
export function encodeParam(value: unknown): unknown {
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string')) return value;
  return `{${(value as string[]).map(quoteArrayElement).join(',')}}`;
}

async function run<T>(q: Pool | PoolClient, text: string, params?: unknown[]): Promise<T[]> {
  const result = params ? await q.query({ name: statementName(text), text, values: params.map(encodeParam) }) : await q.query(text);
  return result.rows as T[];
}

/**
 * A query through the pool is written to the socket only on a later tick (pg-pool hands out
 * its client from process.nextTick), after every microtask queued so far: on the hot path,
 * after the responses of the exchanges just committed. A held connection writes at once, so
 * the next group commit is on the wire while those responses go out. The connection is held
 * until release() (the caller's idle moment), and dropped if it fails.
 */
function pinnedConnection(pool: Pool): PinnedSql {
  let held: PoolClient | null = null;
  let connecting: Promise<PoolClient> | null = null;
  const onError = (err: Error) => {
    if (held) drop(held, err);
  };
  const drop = (client: PoolClient, err?: Error) => {
    held = null;
    client.off('error', onError);
    client.release(err);
  };
  const connect = async () => {
    try {
      const client = await pool.connect();
      client.on('error', onError);
      return (held = client);
    } finally {
      connecting = null;
    }
  };
  return {
    async query<T>(text: string, params?: unknown[]) {
      const client = held ?? (await (connecting ??= connect()));
      try {
        return await run<T>(client, text, params);
      } catch (err) {
        if (held === client && brokeConnection(err)) drop(client, err as Error);
        throw err;
      }
    },
    release() {
      if (held) drop(held);
    },
  };
}

/** A statement's own error leaves the connection usable; a lost or terminated one does not. */
function brokeConnection(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code !== 'string' || code.startsWith('08') || code.startsWith('57');
}

export function pgSql(pool: Pool): SqlClient {
  const wrap = (q: Pool | PoolClient): SqlQueryable => ({
    query: (text, params) => run(q, text, params),
    async exec(text: string) {
      await q.query(text);
    },
  });
  return {
    ...wrap(pool),
    pinned: () => pinnedConnection(pool),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
  };
}
