// A fresh, migrated database per test file: a temporary PGlite folder by default, or a new
// database on the PostgreSQL server named by DATABASE_URL (dropped afterwards).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type Database } from '@/server/db/connection';
import { registerDatabase } from '@/server/db';
import type { SqlClient } from '@/server/db/sql';

export interface TestDatabase extends Database {
  url: string | null;
  dispose(): Promise<void>;
}

export const usingPostgres = Boolean(process.env.DATABASE_URL);

export async function createPostgresDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `signet_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** `postgresUrl` overrides DATABASE_URL (a test's own cluster, tests/support/pg-cluster.ts). */
export async function openTestDatabase(postgresUrl = process.env.DATABASE_URL): Promise<TestDatabase> {
  const base = postgresUrl;
  if (base) {
    const created = await createPostgresDatabase(base);
    const db = await openDatabase({ databaseUrl: created.url, dataDir: '', poolSize: 8 });
    registerDatabase(db);
    return {
      ...db,
      url: created.url,
      async dispose() {
        await db.close();
        await created.drop();
      },
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'signet-test-'));
  const db = await openDatabase({ databaseUrl: null, dataDir: dir });
  registerDatabase(db);
  return {
    ...db,
    url: null,
    async dispose() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Another client on the same database, as a second instance has: its own batcher and head cache. */
export function anotherInstance(sql: SqlClient): SqlClient {
  return {
    query: (text, params) => sql.query(text, params),
    exec: (text) => sql.exec(text),
    transaction: (fn) => sql.transaction(fn),
    pipeline: () => sql.pipeline(),
    exclusively: (lockId, fn) => sql.exclusively(lockId, fn),
    close: () => sql.close(),
  };
}
