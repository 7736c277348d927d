// The text[] parameters the PostgreSQL client quotes itself (encodeParam) must reach the
// database unchanged, whatever the strings hold. Run against PGlite by default and against
// PostgreSQL with DATABASE_URL, where pgSql sends every string array this way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, usingPostgres, type TestDatabase } from '../../tests/support/db';
import { encodeParam } from './sql';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db.dispose());

const receiptText = JSON.stringify({ canon: JSON.stringify({ note: 'say "hi"\n\\ done', city: 'Zürich 🚚' }), hop: 1, prev: null });
const STRINGS = [
  'plain',
  '',
  'NULL',
  'null',
  '{}',
  'a,b',
  ' padded ',
  'quote " and backslash \\',
  '\\"',
  'line\nbreak\ttab\rreturn',
  'bell \u0007 and unit separator \u001f',
  'é ü ß 中文',
  'emoji 🚚 pair',
  'lone \ud800 surrogate',
  receiptText,
];

describe('text[] parameters quoted by the client', () => {
  it('reach the database unchanged', async () => {
    const literal = encodeParam(STRINGS);
    expect(typeof literal).toBe('string');
    const rows = await db.sql.query<{ a: string[] }>('SELECT $1::text[] AS a', [literal]);
    // A lone surrogate cannot be stored as UTF-8; every driver sends U+FFFD for it.
    expect(rows[0]!.a).toEqual(STRINGS.map((s) => s.replace(/\ud800/, '\ufffd')));
  });

  it('leave everything but flat string arrays to the driver', () => {
    expect(encodeParam([])).toEqual([]);
    expect(encodeParam([1, 2])).toEqual([1, 2]);
    expect(encodeParam(['a', null])).toEqual(['a', null]);
    expect(encodeParam('text')).toBe('text');
    expect(encodeParam(['a', 'b"'])).toBe('{"a","b\\""}');
  });

  it('go through the exchange queries on this driver as before', async () => {
    const rows = await db.sql.query<{ k: string; n: number }>('SELECT k, n FROM unnest($1::text[], $2::int[]) AS u(k, n) ORDER BY n', [
      ['x"1', 'y\\2'],
      [1, 2],
    ]);
    expect(rows).toEqual([
      { k: 'x"1', n: 1 },
      { k: 'y\\2', n: 2 },
    ]);
  });
});

describe('PostgreSQL sessions', () => {
  it.runIf(usingPostgres)('run in UTC and without JIT, on the pool and on the pipelined client', async () => {
    const settings = "SELECT current_setting('TimeZone') AS zone, current_setting('jit') AS jit";
    expect(await db.sql.query(settings)).toEqual([{ zone: 'UTC', jit: 'off' }]);
    expect(await db.prisma.$queryRawUnsafe(settings)).toEqual([{ zone: 'UTC', jit: 'off' }]);
  });
});

describe('exclusively', () => {
  const LOCK = 0x7e57_0001;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it.runIf(usingPostgres)('lets one caller at a time through on PostgreSQL, and a failure releases the lock', async () => {
    const log: string[] = [];
    const turn = (name: string) =>
      db.sql.exclusively(LOCK, async () => {
        log.push(`${name} in`);
        await sleep(150);
        log.push(`${name} out`);
        return name;
      });
    const failing = db.sql.exclusively(LOCK, async () => {
      log.push('failing in');
      throw new Error('step failed');
    });
    const results = await Promise.allSettled([failing, turn('a'), turn('b')]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual(['step failed', 'a', 'b']);
    // Entries and exits alternate: nobody came in before the one inside went out.
    const order = log.filter((e) => e !== 'failing in');
    for (let i = 0; i < order.length; i += 2) expect(order[i + 1]).toBe(order[i]!.replace(' in', ' out'));
  });

  it('returns what the step returns and passes its error on', async () => {
    await expect(db.sql.exclusively(LOCK, async () => 42)).resolves.toBe(42);
    await expect(db.sql.exclusively(LOCK, async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
  });
});
