// The process-wide database. The custom server opens it once and registers it here; Next's
// bundled route code imports this module as a separate instance, so the handle lives on
// globalThis (two PGlite instances on one data folder would corrupt it).
import type { Database } from './connection';

export type { Database } from './connection';
export { Prisma } from './generated/client';

const KEY = Symbol.for('signet.database');
type Holder = { [KEY]?: Database };

export function registerDatabase(db: Database): void {
  (globalThis as Holder)[KEY] = db;
}

export function getDatabase(): Database {
  const db = (globalThis as Holder)[KEY];
  if (!db) throw new Error('database not opened: start Signet through server.ts (npm start)');
  return db;
}

export function prisma() {
  return getDatabase().prisma;
}
