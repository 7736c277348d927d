/**
 * signet-verify: offline verification of an export bundle (or a bare receipt chain) against a JWKS.
 * Exit codes: 0 valid, 1 invalid, 2 usage or I/O error, 3 the transparency log forked,
 * 4 unsigned (0 with --allow-unsigned).
 */
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { VERIFY_USER_AGENT as USER_AGENT } from '../version';
import { checkLog, describeLog, LOG_OPTIONS, LOG_USAGE, logFlagsProblem } from '../transparency/cli-log';
import type { LogReport } from '../transparency/verify-log';
import type { BundleReport, ChainReport } from './report';
import { formatJsonPath, parseJsonStrict, type DuplicateKey } from './strict-json';
import { verifyBundle, verifyChain } from './verify';
import { usageMain } from '../usage-proof/cli';
import { verifierEnv } from '../config';

const USAGE = `usage: signet-verify <bundle.json | https://host/v1/receipts/export/<trace_id>> --jwks <jwks.json | https://host/.well-known/jwks.json>
                     [--api-key <key>] [--json] [--allow-unsigned] [--insecure-jwks]
       signet-verify usage <usage-proof.json> --jwks <file | URL> --log-key <file | URL> [--json]   (see signet-verify usage --help)

Verifies a Signet export bundle (or a JSON array of receipts) offline: canonical hashes,
hash links, hop order and Ed25519 signatures. Given the export's URL, it fetches the bundle
with the API key (--api-key or SP_API_KEY) first.
Exit 0 VALID, 1 INVALID, 2 usage or I/O error, 3 FORK (two signed, inconsistent log checkpoints),
4 UNSIGNED (no receipt carries a signature: the chain is consistent, but nothing proves who issued it).
  --json            print the full verification report as JSON instead of the summary
  --allow-unsigned  exit 0 for an UNSIGNED chain (older SR-1 receipts)
  --insecure-jwks   allow fetching the JWKS (or the bundle) over plain http from a host other than loopback
Requests carry User-Agent ${USER_AGENT}.
A bundle's "log" field (its transparency-log checkpoint and inclusion proofs) is checked with:
${LOG_USAGE}`;

const EXIT = { VALID: 0, INVALID: 1, FORK: 3, UNSIGNED: 4 } as const;

class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'usage') return usageMain(argv.slice(1));
  const env = verifierEnv();
  for (const line of env.deprecations) console.error(`signet-verify: ${line}`);
  let input: ReturnType<typeof parseArguments>;
  try {
    input = parseArguments(argv, env.apiKey);
  } catch (error) {
    if (error instanceof HelpRequested) {
      console.log(USAGE);
      return 0;
    }
    console.error(`signet-verify: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }

  let document: { value: unknown; duplicateKeys: DuplicateKey[] };
  let jwks: unknown;
  let log: LogReport;
  try {
    document = parseJson(await readBundle(input.file, input.apiKey, input.insecureJwks), input.file);
    jwks = await loadJwks(input.jwksSource, input.insecureJwks);
    log = await checkLog(document.value, input.log);
  } catch (error) {
    console.error(`signet-verify: ${(error as Error).message}`);
    return 2;
  }

  const { value, duplicateKeys } = document;
  const report = Array.isArray(value) ? verifyChain(value, jwks, { duplicateKeys }) : verifyBundle(value, jwks, { duplicateKeys });
  const color = process.stdout.isTTY && env.color;
  const verdict = overall(report, log);
  console.log(input.json ? JSON.stringify({ ...report, log }, null, 2) : summarize(report, verdict, describeLog(log, color), log));
  return verdict === 'UNSIGNED' && input.allowUnsigned ? 0 : EXIT[verdict];
}

/** A fork outranks everything; an invalid chain or log proof outranks an unsigned chain. */
function overall(report: ChainReport | BundleReport, log: LogReport): keyof typeof EXIT {
  if (log.fork) return 'FORK';
  if (report.verdict === 'INVALID' || !log.valid) return 'INVALID';
  return report.verdict;
}

class HelpRequested extends Error {}

function parseArguments(argv: string[], envApiKey: string | null) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        jwks: { type: 'string' },
        json: { type: 'boolean' },
        'allow-unsigned': { type: 'boolean' },
        'insecure-jwks': { type: 'boolean' },
        'api-key': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        ...LOG_OPTIONS,
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.values.help) throw new HelpRequested();
  const [file, ...extra] = parsed.positionals;
  if (!file) throw new UsageError('missing the bundle file');
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  if (!parsed.values.jwks) throw new UsageError('missing --jwks <file or URL>');
  const { jwks, json, help: _help, 'allow-unsigned': allowUnsigned, 'insecure-jwks': insecureJwks, 'api-key': apiKey, ...log } = parsed.values;
  const logProblem = logFlagsProblem(log);
  if (logProblem) throw new UsageError(logProblem);
  return { file, jwksSource: jwks, json: json ?? false, allowUnsigned: allowUnsigned ?? false, insecureJwks: insecureJwks ?? false, apiKey: apiKey ?? envApiKey ?? undefined, log };
}

/** The bundle's text: a file, or the export route's answer for the API key. */
async function readBundle(source: string, apiKey: string | undefined, insecure: boolean): Promise<string> {
  if (!/^https?:\/\//i.test(source)) return readFile(source, 'utf8');
  refuseCleartext(source, insecure, 'the bundle (and send the API key)');
  if (!apiKey) throw new UsageError('fetching a bundle needs an API key: --api-key <key> or SP_API_KEY');
  let response: Response;
  try {
    response = await fetch(source, { headers: { accept: 'application/json', 'user-agent': USER_AGENT, 'x-signet-api-key': apiKey }, signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    throw new Error(`cannot fetch the bundle from ${source}: ${(error as Error).message}`);
  }
  if (response.url) refuseCleartext(response.url, insecure, 'the bundle (and send the API key)');
  if (!response.ok) throw new Error(`cannot fetch the bundle from ${source}: HTTP ${response.status}`);
  return response.text();
}

export async function loadJwks(source: string, insecure: boolean): Promise<unknown> {
  if (!/^https?:\/\//i.test(source)) return strictJwks(parseJson(await readFile(source, 'utf8'), source), source);
  refuseCleartext(source, insecure);
  let response: Response;
  try {
    response = await fetch(source, { headers: { accept: 'application/json', 'user-agent': USER_AGENT }, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new Error(`cannot fetch JWKS from ${source}: ${(error as Error).message}`);
  }
  if (response.url) refuseCleartext(response.url, insecure); // after redirects
  if (!response.ok) throw new Error(`cannot fetch JWKS from ${source}: HTTP ${response.status}`);
  return strictJwks(parseJson(await response.text(), source), source);
}

/** Keys fetched over plain http could be anyone's: only loopback, or when the user insists. */
function refuseCleartext(url: string, insecure: boolean, what = 'the JWKS'): void {
  const { protocol, hostname } = new URL(url);
  if (protocol !== 'http:' || insecure || isLoopback(hostname)) return;
  throw new Error(`refusing to fetch ${what} over plain http from ${hostname}: anyone on the path could swap the keys. Use https, a JWKS file, or --insecure-jwks`);
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

function strictJwks({ value, duplicateKeys }: { value: unknown; duplicateKeys: DuplicateKey[] }, source: string): unknown {
  const [first] = duplicateKeys;
  if (first) throw new Error(`${source}: key ${JSON.stringify(first.key)} occurs more than once in the object at ${formatJsonPath(first.path)}`);
  return value;
}

function parseJson(text: string, source: string): { value: unknown; duplicateKeys: DuplicateKey[] } {
  try {
    return parseJsonStrict(text);
  } catch (error) {
    throw new Error(`${source} is not valid JSON: ${(error as Error).message}`);
  }
}

function summarize(report: ChainReport | BundleReport, verdict: keyof typeof EXIT, logLines: string[], log: LogReport): string {
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
  lines.push(...logLines);
  const first = report.firstFailure ?? log.failures[0];
  if (verdict === 'UNSIGNED') {
    lines.push('Every hash and link checks out, but no receipt carries a signature: this shows the chain is');
    lines.push('internally consistent, not who issued it (anyone can compute these hashes).');
    lines.push('UNSIGNED');
  } else {
    lines.push(verdict === 'VALID' ? 'VALID' : `${verdict}: ${first ? `${first.code}: ${first.message}` : 'see above'}`);
  }
  return lines.join('\n');
}
