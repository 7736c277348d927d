// The pipelined connection the group commit writes through (SqlClient.pipeline): statements
// sent together run in order, each in its own transaction; a lost connection is replaced;
// closing the client closes it. Run on PGlite by default (statements run in this process) and
// on PostgreSQL with DATABASE_URL (node-postgres' pipeline mode).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, usingPostgres, type TestDatabase } from '../../tests/support/db';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
  await db.sql.exec('CREATE TABLE pipeline_test (n int)');
});
afterAll(() => db.dispose());

const backend = async (q: { query<T>(text: string): Promise<T[]> }) => (await q.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0]!.pid;

describe('a pipelined connection', () => {
  it('runs statements sent together in order, each in a transaction of its own', async () => {
    const pipeline = db.sql.pipeline();
    expect(pipeline.pipelines).toBe(usingPostgres);
    const sent = [
      pipeline.query('INSERT INTO pipeline_test VALUES (1)'),
      pipeline.query('INSERT INTO pipeline_test SELECT 2 / 0'),
      pipeline.query('INSERT INTO pipeline_test SELECT max(n) + 2 FROM pipeline_test'),
      pipeline.query<{ n: number }>('SELECT n FROM pipeline_test ORDER BY n'),
    ];
    const settled = await Promise.allSettled(sent);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ code: '22012' });
    expect((settled[3] as PromiseFulfilledResult<{ n: number }[]>).value).toEqual([{ n: 1 }, { n: 3 }]);
  });

  it.runIf(usingPostgres)('opens a new connection after its own was terminated, and closes with the client', async () => {
    const pipeline = db.sql.pipeline();
    const pid = await backend(pipeline);
    expect(await backend(pipeline)).toBe(pid);
    await db.sql.query('SELECT pg_terminate_backend($1)', [pid]);
    // The statement in the way of the termination may fail; the next ones run elsewhere.
    await pipeline.query('SELECT 1').catch(() => undefined);
    const replaced = await backend(pipeline);
    expect(replaced).not.toBe(pid);

    await db.sql.close();
    await expect(pipeline.query('SELECT 1')).rejects.toThrow(/closed/);
    const open = await db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1', [replaced]);
    expect(open[0]!.n).toBe(0);
  });
});
