// npm run usage:verify [-- --tenant <id>]
// Proves the hourly usage rollups equal the raw usage ledger, exactly, in one snapshot: prints
// every (tenant, meter, hour) that differs and exits 1 if any does. Same database settings as npm start.
import { parseArgs } from 'node:util';
import { openDatabase } from '../server/db/connection';
import { configOrExit } from '../server/config';
import { verifyRollups } from '../server/usage/rollups';

const { values } = parseArgs({ options: { tenant: { type: 'string' } } });
const config = configOrExit((line) => console.warn(line));
const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
let exitCode = 0;
try {
  const started = performance.now();
  const mismatches = await db.sql.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    return verifyRollups(tx, values.tenant);
  });
  const ms = Math.round(performance.now() - started);
  if (mismatches.length === 0) console.log(`usage rollups equal the ledger${values.tenant ? ` for ${values.tenant}` : ''} (${ms} ms)`);
  else {
    for (const m of mismatches) console.error(JSON.stringify(m));
    console.error(`${mismatches.length} (tenant, meter, hour) rollups differ from the ledger`);
    exitCode = 1;
  }
} finally {
  await db.close();
}
process.exit(exitCode);
