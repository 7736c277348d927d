// Prints the URL of a new, empty PostgreSQL database on the server of DATABASE_URL (for e2e
// and benchmark runs that must start from nothing).
import pg from 'pg';

const base = process.env.DATABASE_URL;
if (!base) {
  console.error('DATABASE_URL is not set');
  process.exit(2);
}
const name = `signet_${process.argv[2] ?? 'run'}_${Date.now().toString(36)}`;
const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
await admin.end();
const url = new URL(base);
url.pathname = `/${name}`;
console.log(url.toString());
