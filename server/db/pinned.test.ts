// The connection the group commit holds between statements (SqlClient.pinned): the same
// connection until released, kept through a statement's own error, replaced when lost. Run on
// PGlite by default and on PostgreSQL with DATABASE_URL, where it is a pooled connection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, usingPostgres, type TestDatabase } from '../../tests/support/db';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
// Closing the pool waits for every connection handed out: a connection never given back
// would hang here.
afterAll(() => db.dispose());

const backend = async (q: { query<T>(text: string): Promise<T[]> }) => (await q.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0]!.pid;

describe('a pinned connection', () => {
  it('runs every statement on one connection, through a statement error, until released', async () => {
    const pinned = db.sql.pinned();
    const pid = await backend(pinned);
    await expect(pinned.query('SELECT 1/0')).rejects.toMatchObject({ code: '22012' });
    expect(await backend(pinned)).toBe(pid);
    pinned.release();
    pinned.release(); // twice is harmless
    expect(await pinned.query<{ n: number }>('SELECT 2 AS n')).toEqual([{ n: 2 }]);
    pinned.release();
  });

  it('takes one connection for statements that arrive together', async () => {
    const pinned = db.sql.pinned();
    const [a, b] = await Promise.all([backend(pinned), backend(pinned)]);
    expect(a).toBe(b);
    pinned.release();
  });

  it.runIf(usingPostgres)('takes a new connection after its own was terminated', async () => {
    const pinned = db.sql.pinned();
    const pid = await backend(pinned);
    await db.sql.query('SELECT pg_terminate_backend($1)', [pid]);
    // The statement in the way of the termination may fail; the next ones run elsewhere.
    await pinned.query('SELECT 1').catch(() => undefined);
    const replaced = await backend(pinned);
    expect(replaced).not.toBe(pid);
    expect(await backend(pinned)).toBe(replaced);
    pinned.release();
  });
});
