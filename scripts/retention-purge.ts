// npm run retention:purge -- --before <date> [--dry-run]
// Deletes whole traces whose newest receipt is older than <date>; refuses a date inside the
// retention period (SP_RETENTION_YEARS, default 7). Audit-logged. Same database settings as npm start.
import { parseArgs } from 'node:util';
import { openDatabase } from '../server/db/connection';
import { registerDatabase } from '../server/db';
import { configOrExit } from '../server/config';
import { purgeExpiredTraces, RetentionError } from '../server/retention/purge';

const { values } = parseArgs({ options: { before: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } } });
if (!values.before) {
  console.error('usage: npm run retention:purge -- --before <YYYY-MM-DD> [--dry-run]');
  process.exit(2);
}
const config = configOrExit((line) => console.warn(line));
const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
registerDatabase(db);
let exitCode = 0;
try {
  const report = await purgeExpiredTraces({ before: new Date(values.before), dryRun: values['dry-run'] });
  console.log(JSON.stringify(report, null, 2));
} catch (err) {
  if (!(err instanceof RetentionError)) throw err;
  console.error(`retention purge refused: ${err.message}`);
  exitCode = 1;
} finally {
  await db.close();
}
// Exit explicitly: after closing the embedded database (PGlite's WASM runtime) process.exitCode
// no longer decides the exit status.
process.exit(exitCode);
