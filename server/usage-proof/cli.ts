/**
 * `signet-verify usage <bundle> --jwks <url|file> --log-key <url|file>`: verifies a usage proof
 * bundle (SPEC §8) as it reads it, line by line. Exit codes as signet-verify's: 0 when every
 * check holds, 1 when one fails (each failure named), 2 for a usage or I/O error.
 */
import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadJwks } from '../receipts/cli';
import { loadLogKey } from '../transparency/cli-log';
import { startHashingThread } from './hashing-thread';
import { UsageBundleLines, type UsageReport } from './verify';

const USAGE = `usage: signet-verify usage <usage-proof.json> --jwks <jwks.json | URL> --log-key <key file | URL> [--json] [--insecure-jwks]

Verifies a usage proof bundle (GET /v1/billing/usage-proof) offline: the statement's signature,
the log checkpoint's signature, every receipt's inclusion in the log (per-receipt paths or the
compact form's tiles), the units per meter, every batch's Merkle root, the charges re-rated from
the statement's tariff in exact decimals, and the billing provider's record of the batches.
Exit 0 when everything holds, 1 when anything differs (each difference named), 2 usage or I/O error.`;

export async function usageMain(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { jwks: { type: 'string' }, 'log-key': { type: 'string' }, json: { type: 'boolean' }, 'insecure-jwks': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    console.error(`signet-verify usage: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return 0;
  }
  const [file, ...extra] = parsed.positionals;
  const problem = !file ? 'missing the bundle file' : extra.length > 0 ? `unexpected arguments: ${extra.join(' ')}` : !parsed.values.jwks ? 'missing --jwks <file or URL>' : !parsed.values['log-key'] ? 'missing --log-key <file or URL>' : null;
  if (problem) {
    console.error(`signet-verify usage: ${problem}\n\n${USAGE}`);
    return 2;
  }
  let report: UsageReport;
  // The tiles and batch roots are hashed on a second core while the receipts are read on this one.
  const hashing = startHashingThread();
  try {
    const jwks = await loadJwks(parsed.values.jwks!, parsed.values['insecure-jwks'] ?? false);
    const logKey = await loadLogKey(parsed.values['log-key']!);
    const reader = new UsageBundleLines({ jwks, logKey, offload: hashing });
    // Chunks split into lines by the reader: readline's per-line events cost about a tenth of the CPU.
    for await (const chunk of createReadStream(file!, { encoding: 'utf8', highWaterMark: 1 << 20 })) reader.text(chunk as string);
    report = await reader.finishAsync();
  } catch (error) {
    console.error(`signet-verify usage: ${(error as Error).message}`);
    return 2;
  } finally {
    await hashing.close();
  }
  console.log(parsed.values.json ? JSON.stringify(report, null, 2) : describeUsage(report).join('\n'));
  return report.valid ? 0 : 1;
}

// Thousands separated by commas; toLocaleString would load ICU's locale data first (0.1–0.2 s).
const count = (n: number) => String(n).replace(/\B(?=(\d{3})+$)/g, ',');

export function describeUsage(report: UsageReport): string[] {
  const lines = [
    `tenant ${report.tenant ?? '(unknown)'}, period ${report.period ? `${report.period.start} – ${report.period.end}` : '(unknown)'}`,
    `${count(report.receipts)} receipt(s) in ${report.batches} batch(es), ${report.form ?? 'no'} proofs: ${count(report.units.vex)} VEx, ${count(report.units.fu)} FU tokens; total $${report.total ?? '?'}`,
  ];
  if (report.pending && (report.pending.vex > 0 || report.pending.fu > 0)) lines.push(`pending (not yet in the log, not billed by this statement): ${count(report.pending.vex)} VEx, ${count(report.pending.fu)} FU tokens`);
  lines.push(`billing provider: ${{ absent: 'no record in the bundle', pending: 'agrees so far; some batches are not sent yet', matches: 'matches', differs: 'DIFFERS' }[report.provider]}`);
  for (const f of report.failures) lines.push(`  ${f.code}: ${f.message}`);
  if (report.moreFailures > 0) lines.push(`  … and ${report.moreFailures} more`);
  lines.push(report.valid ? 'VERIFIED' : `INVALID: ${report.failures[0]?.code ?? 'see above'}`);
  return lines;
}
