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
  return { ...wrap(pg), transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))) };
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

export function pgSql(pool: Pool): SqlClient {
  const wrap = (q: Pool | PoolClient): SqlQueryable => ({
    async query<T>(text: string, params?: unknown[]) {
      const result = params ? await q.query({ name: statementName(text), text, values: params.map(encodeParam) }) : await q.query(text);
      return result.rows as T[];
    },
    async exec(text: string) {
      await q.query(text);
    },
  });
  return {
    ...wrap(pool),
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
