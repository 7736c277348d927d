// Opens the database Signet runs on: embedded PGlite under the data folder by default, or a
// real PostgreSQL (shared by many instances) when a URL is configured. Both get the same
// migrations, the same Prisma Client and the same raw-SQL client.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { loadConfig } from '../config';
import { PrismaClient } from './generated/client';
import { migrate } from './migrate';
import { pgliteSql, pgSql, type SqlClient } from './sql';
import { logger } from '../telemetry/logger';

export interface Database {
  kind: 'pglite' | 'postgres';
  prisma: PrismaClient;
  sql: SqlClient;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl: string | null;
  dataDir: string;
  /** Connections per instance to PostgreSQL. */
  poolSize?: number;
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  const db = opts.databaseUrl ? openPostgres(opts.databaseUrl, opts.poolSize) : await openPglite(opts.dataDir);
  try {
    await migrate(db.sql);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

function openPostgres(url: string, poolSize = loadConfig().dbPoolSize): Database {
  // Timestamps are stored as UTC wall-clock (Prisma's convention); pin the session zone to match.
  // No JIT: the queries here are short, and a cost estimate over the threshold (the request log's
  // error codes on a log without refusals) spent 170–240 ms compiling a plan that ran in 0.3 ms.
  // A connection attempt that gets no answer (a server restarting) fails after 10 s instead of
  // waiting for ever: the request answers 503 and the next attempt starts afresh.
  const config = { connectionString: url, options: '-c TimeZone=UTC -c jit=off', connectionTimeoutMillis: 10_000 };
  const pool = new pg.Pool({ ...config, max: poolSize });
  // An idle client erroring (server restart) must not crash the process; the pool replaces it.
  pool.on('error', (err) => logger.error({ err }, 'idle PostgreSQL client error'));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const sql = pgSql(pool, config);
  return {
    kind: 'postgres',
    prisma,
    sql,
    async close() {
      await sql.close();
      await prisma.$disconnect();
      await pool.end().catch(() => {});
    },
  };
}

async function openPglite(dataDir: string): Promise<Database> {
  const dir = path.resolve(dataDir, 'pglite');
  mkdirSync(dir, { recursive: true });
  const client = await PGlite.create(dir);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(client) });
  return {
    kind: 'pglite',
    prisma,
    sql: pgliteSql(client),
    async close() {
      await prisma.$disconnect();
      await client.close();
    },
  };
}
