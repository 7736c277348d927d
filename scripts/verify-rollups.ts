// npm run usage:verify [-- --tenant <id>]
// Proves the hourly usage rollups equal the raw usage ledger, and the hourly trace counts the
// traces, exactly, in one snapshot: prints every (tenant, meter, hour) or (tenant, hour) that
// differs and exits 1 if any does. Same database settings as npm start.
import { parseArgs } from 'node:util';
import { openDatabase } from '../server/db/connection';
import { configOrExit } from '../server/config';
import { verifyRollups } from '../server/usage/rollups';
import { verifyTraceRollups } from '../server/usage/trace-rollups';

const { values } = parseArgs({ options: { tenant: { type: 'string' } } });
const config = configOrExit((line) => console.warn(line));
const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
let exitCode = 0;
try {
  const started = performance.now();
  const { usage, traces } = await db.sql.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    return { usage: await verifyRollups(tx, values.tenant), traces: await verifyTraceRollups(tx, values.tenant) };
  });
  const ms = Math.round(performance.now() - started);
  const of = values.tenant ? ` for ${values.tenant}` : '';
  if (usage.length === 0 && traces.length === 0) console.log(`usage rollups equal the ledger and trace rollups the traces${of} (${ms} ms)`);
  else {
    for (const m of [...usage, ...traces]) console.error(JSON.stringify(m));
    if (usage.length) console.error(`${usage.length} (tenant, meter, hour) usage rollups differ from the ledger`);
    if (traces.length) console.error(`${traces.length} (tenant, hour) trace rollups differ from the traces`);
    exitCode = 1;
  }
} finally {
  await db.close();
}
process.exit(exitCode);
