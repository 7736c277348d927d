// Drops the database named by the URL given, on the PostgreSQL server of DATABASE_URL: the
// e2e server's own database (scripts/fresh-database.ts made it) once its run is over.
import pg from 'pg';

const base = process.env.DATABASE_URL;
const name = process.argv[2] ? new URL(process.argv[2]).pathname.slice(1) : '';
if (!base || !/^signet_[a-z0-9_]+$/.test(name)) {
  console.error('usage: DATABASE_URL=<server> tsx scripts/drop-database.ts <url of a signet_* database>');
  process.exit(2);
}
const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
await admin.end();
