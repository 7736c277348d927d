// A minimal raw-SQL client over either driver, for the migration runner and the exchange hot
// path, where Prisma's query engine costs more than the statement itself.
import type { PGlite, Transaction as PGliteTx } from '@electric-sql/pglite';
import pg, { type ClientConfig, type Pool, type PoolClient } from 'pg';

export interface SqlQueryable {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Several statements, no parameters (migrations). */
  exec(text: string): Promise<void>;
}

/** A raw-SQL client inside a transaction; `inTransaction` tells it apart from the client itself. */
export interface SqlTransaction extends SqlQueryable {
  readonly inTransaction: true;
}

export interface SqlClient extends SqlQueryable {
  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  /** A new pipelined connection of its own (see SqlPipeline), closed with close(). */
  pipeline(): SqlPipeline;
  /**
   * Runs fn while this process holds a deployment-wide lock, so instances that start together
   * take turns. The lock is held on a connection of its own: fn's statements use the pool
   * freely, and a process that dies releases it with its connection.
   */
  exclusively<T>(lockId: number, fn: () => Promise<T>): Promise<T>;
  /** Closes the pipelined connections (the pool or PGlite is closed by its owner). */
  close(): Promise<void>;
}

/**
 * Statements sent on a pipelined connection go out at once, without waiting for the answers
 * to the ones before, and the server runs them one after another, each in a transaction of
 * its own, answering in order. The group commit uses one to keep its next group queued on the
 * server while the one before commits. `pipelines` is false where statements run in this
 * process (PGlite) and sending ahead gains nothing.
 */
export interface SqlPipeline {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  readonly pipelines: boolean;
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
  return {
    ...direct,
    transaction: (fn) => pg.transaction((tx) => fn({ ...wrap(tx), inTransaction: true })),
    pipeline: () => ({ query: direct.query, pipelines: false }),
    // One process owns a PGlite folder: there is no one to take turns with.
    exclusively: (_lockId, fn) => fn(),
    close: async () => {},
  };
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

async function run<T>(q: Pool | PoolClient | pg.Client, text: string, params?: unknown[]): Promise<T[]> {
  const result = params ? await q.query({ name: statementName(text), text, values: params.map(encodeParam) }) : await q.query(text);
  return result.rows as T[];
}

/**
 * A connection outside the pool in node-postgres' pipeline mode, opened on first use and
 * again after it is lost. Besides pipelining, a statement on it is written to the socket at
 * once: through the pool it would wait for pg-pool's process.nextTick, after every microtask
 * already queued (on the hot path, the responses of the exchanges just committed).
 */
function pipelinedConnection(config: ClientConfig) {
  let client: pg.Client | null = null;
  let connecting: Promise<pg.Client> | null = null;
  let closed = false;
  // A lost connection fails the statements on it; the next statement opens another.
  const drop = (c: pg.Client) => {
    if (client !== c) return;
    client = null;
    void c.end().catch(() => {});
  };
  const connect = async () => {
    const c = new pg.Client({ ...config, pipeline: true });
    c.on('error', () => drop(c));
    try {
      await c.connect();
      if (closed) throw new Error('the database connection is closed');
      return (client = c);
    } catch (err) {
      await c.end().catch(() => {});
      throw err;
    } finally {
      connecting = null;
    }
  };
  return {
    pipelines: true,
    async query<T>(text: string, params?: unknown[]) {
      if (closed) throw new Error('the database connection is closed');
      const c = client ?? (await (connecting ??= connect()));
      try {
        return await run<T>(c, text, params);
      } catch (err) {
        if (brokeConnection(err)) drop(c);
        throw err;
      }
    },
    async close() {
      closed = true;
      await connecting?.catch(() => {});
      await client?.end().catch(() => {});
      client = null;
    },
  };
}

/** A statement's own error leaves the connection usable; a lost or terminated one does not. */
function brokeConnection(err: unknown): boolean {
  return !(err instanceof pg.DatabaseError) || err.code === undefined || /^(08|57)/.test(err.code);
}

/** `config` is the pool's connection settings, for the pipelined connections. */
export function pgSql(pool: Pool, config: ClientConfig): SqlClient {
  const pipelines: ReturnType<typeof pipelinedConnection>[] = [];
  const wrap = (q: Pool | PoolClient): SqlQueryable => ({
    query: (text, params) => run(q, text, params),
    async exec(text: string) {
      await q.query(text);
    },
  });
  return {
    ...wrap(pool),
    pipeline() {
      const connection = pipelinedConnection(config);
      pipelines.push(connection);
      return connection;
    },
    async close() {
      await Promise.all(pipelines.map((p) => p.close()));
    },
    async exclusively(lockId, fn) {
      const client = new pg.Client(config);
      // Losing this connection loses the lock, not the process: fn's own statements report it.
      client.on('error', () => {});
      await client.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [lockId]);
        return await fn();
      } finally {
        await client.end().catch(() => {}); // ending the session releases its lock
      }
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({ ...wrap(client), inTransaction: true });
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
