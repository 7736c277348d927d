/**
 * signet-verify: offline verification of an export bundle (or a bare receipt chain) against a JWKS.
 * Exit codes: 0 valid, 1 invalid, 2 usage or I/O error, 3 the transparency log forked.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { checkLog, describeLog, LOG_OPTIONS, LOG_USAGE, logFlagsProblem, type LogFlags } from '../transparency/cli-log';
import type { LogReport } from '../transparency/verify-log';
import type { BundleReport, ChainReport } from './report';
import { verifyBundle, verifyChain } from './verify';

const USAGE = `usage: signet-verify <bundle.json> --jwks <jwks.json | https://host/.well-known/jwks.json> [--json]

Verifies a Signet export bundle (or a JSON array of receipts) offline: canonical hashes,
hash links, hop order and Ed25519 signatures. Exit 0 valid, 1 invalid, 2 usage or I/O error.
  --json   print the full verification report as JSON instead of the summary
A bundle's "log" field (its transparency-log checkpoint and inclusion proofs) is checked with:
${LOG_USAGE}`;

class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  let input: { file: string; jwksSource: string; json: boolean; log: LogFlags };
  try {
    input = parseArguments(argv);
  } catch (error) {
    if (error instanceof HelpRequested) {
      console.log(USAGE);
      return 0;
    }
    console.error(`signet-verify: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }

  let document: unknown;
  let jwks: unknown;
  let log: LogReport;
  try {
    document = parseJson(await readFile(input.file, 'utf8'), input.file);
    jwks = await loadJwks(input.jwksSource);
    log = await checkLog(document, input.log);
  } catch (error) {
    console.error(`signet-verify: ${(error as Error).message}`);
    return 2;
  }

  const report = Array.isArray(document) ? verifyChain(document, jwks) : verifyBundle(document, jwks);
  const color = process.stdout.isTTY && !process.env.NO_COLOR;
  console.log(input.json ? JSON.stringify({ ...report, log }, null, 2) : summarize(report, describeLog(log, color), log));
  if (log.fork) return 3;
  return report.valid && log.valid ? 0 : 1;
}

class HelpRequested extends Error {}

function parseArguments(argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { jwks: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, ...LOG_OPTIONS },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.values.help) throw new HelpRequested();
  const [file, ...extra] = parsed.positionals;
  if (!file) throw new UsageError('missing the bundle file');
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  if (!parsed.values.jwks) throw new UsageError('missing --jwks <file or URL>');
  const { jwks, json, help: _help, ...log } = parsed.values;
  const logProblem = logFlagsProblem(log);
  if (logProblem) throw new UsageError(logProblem);
  return { file, jwksSource: jwks, json: json ?? false, log };
}

async function loadJwks(source: string): Promise<unknown> {
  if (!/^https?:\/\//i.test(source)) return parseJson(await readFile(source, 'utf8'), source);
  let response: Response;
  try {
    response = await fetch(source, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new Error(`cannot fetch JWKS from ${source}: ${(error as Error).message}`);
  }
  if (!response.ok) throw new Error(`cannot fetch JWKS from ${source}: HTTP ${response.status}`);
  return parseJson(await response.text(), source);
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${source} is not valid JSON: ${(error as Error).message}`);
  }
}

function summarize(report: ChainReport | BundleReport, logLines: string[], log: LogReport): string {
  const lines = [`trace ${report.trace_id ?? '(unknown)'}: ${report.hops.length} receipt(s)`];
  for (const hop of report.hops) {
    const name = hop.hop !== null ? `hop ${hop.hop}` : `#${hop.index + 1}`;
    const detail = hop.status === 'invalid' ? hop.failed.map((f) => f.code).join(', ') : hop.kid ? `kid ${hop.kid}` : 'no kid/sig (SR-1)';
    lines.push(`  ${name.padEnd(9)} ${hop.status.toUpperCase().padEnd(9)} ${detail}`);
  }
  if ('bundle' in report) {
    const { cidValid, signatureValid, kid } = report.bundle;
    lines.push(`bundle: cid ${cidValid ? 'ok' : 'MISMATCH'}, signature ${signatureValid ? 'ok' : 'INVALID'} (kid ${kid ?? 'none'})`);
  }
  if (report.unsigned > 0) lines.push(`${report.unsigned} receipt(s) are hash-valid but unsigned (SR-1)`);
  lines.push(...logLines);
  const first = report.firstFailure ?? log.failures[0];
  lines.push(report.valid && log.valid ? 'VALID' : `${log.fork ? 'FORK' : 'INVALID'}: ${first ? `${first.code}: ${first.message}` : 'see above'}`);
  return lines.join('\n');
}
