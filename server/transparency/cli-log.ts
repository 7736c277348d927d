/**
 * The transparency-log part of `signet-verify` (Node only): reads the verifier's policy from its
 * flags, fetches what it needs (log key, consistency proof) and words the LogReport for a terminal.
 */
import { readFile } from 'node:fs/promises';
import { VERIFY_USER_AGENT } from '../version';
import { parseVerifierKey } from './note';
import { consistencyNeeded, verifyBundleLog, type Head, type LogReport } from './verify-log';

export const LOG_USAGE = `  --log-key <url|file>          the log's verifier key (e.g. https://host/v1/log/key); checks the checkpoint's signature
  --witness <vkey>              a witness you trust (repeatable)
  --witnesses-required <k>      cosignatures needed from those witnesses (default: all of them)
  --trusted-checkpoint <file>   a checkpoint you saw earlier: the bundle's must be consistent with it
  --consistency-proof <file>    a saved {"from","to","hashes"} proof, instead of asking the log
  --log-url <url>               where to ask for the proof (default: --log-key's URL without /key)
Exit 3 when the log forked: two signed checkpoints that are not consistent.`;

export const LOG_OPTIONS = {
  'log-key': { type: 'string' },
  witness: { type: 'string', multiple: true },
  'witnesses-required': { type: 'string' },
  'trusted-checkpoint': { type: 'string' },
  'consistency-proof': { type: 'string' },
  'log-url': { type: 'string' },
} as const;

export interface LogFlags {
  'log-key'?: string;
  witness?: string[];
  'witnesses-required'?: string;
  'trusted-checkpoint'?: string;
  'consistency-proof'?: string;
  'log-url'?: string;
}

/** A usage problem in the log flags, or null. */
export function logFlagsProblem(flags: LogFlags): string | null {
  for (const vkey of flags.witness ?? []) {
    const parsed = parseVerifierKey(vkey);
    if (!parsed.ok) return `--witness: ${parsed.reason}`;
  }
  const k = flags['witnesses-required'];
  if (k !== undefined && (!/^\d+$/.test(k) || Number(k) > (flags.witness?.length ?? 0))) {
    return `--witnesses-required ${k}: must be a whole number no larger than the ${flags.witness?.length ?? 0} --witness key(s) given`;
  }
  return null;
}

async function fetchText(url: string, what: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { 'user-agent': VERIFY_USER_AGENT }, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new Error(`cannot fetch ${what} from ${url}: ${(error as Error).message}`);
  }
  if (!response.ok) throw new Error(`cannot fetch ${what} from ${url}: HTTP ${response.status}`);
  return response.text();
}

export async function loadLogKey(source: string): Promise<string> {
  const text = /^https?:\/\//i.test(source) ? await fetchText(source, 'the log key') : await readFile(source, 'utf8');
  const vkey = text.trim();
  const parsed = parseVerifierKey(vkey);
  if (!parsed.ok) throw new Error(`--log-key ${source}: ${parsed.reason}`);
  return vkey;
}

function parseJsonFile(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${source} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Runs the log checks for `document`; throws only for I/O problems (exit 2). */
export async function checkLog(document: unknown, flags: LogFlags): Promise<LogReport> {
  const logKey = flags['log-key'] ? await loadLogKey(flags['log-key']) : null;
  const trustedCheckpoint = flags['trusted-checkpoint'] ? await readFile(flags['trusted-checkpoint'], 'utf8') : null;
  let consistencyProof: unknown;
  const needed = consistencyNeeded(document, trustedCheckpoint);
  if (needed && flags['consistency-proof']) {
    consistencyProof = parseJsonFile(await readFile(flags['consistency-proof'], 'utf8'), flags['consistency-proof']);
  } else if (needed) {
    const base = flags['log-url'] ?? (flags['log-key'] && /^https?:\/\/.*\/key$/i.test(flags['log-key']) ? flags['log-key'].replace(/\/key$/i, '') : null);
    if (!base) throw new Error(`a consistency proof from size ${needed.from} to ${needed.to} is needed: pass --consistency-proof <file> or --log-url <url>`);
    const url = `${base.replace(/\/$/, '')}/proof/consistency?from=${needed.from}&to=${needed.to}`;
    consistencyProof = parseJsonFile(await fetchText(url, 'the consistency proof'), url);
  }
  return verifyBundleLog(document, {
    logKey,
    witnesses: flags.witness ?? [],
    ...(flags['witnesses-required'] !== undefined && { witnessesRequired: Number(flags['witnesses-required']) }),
    trustedCheckpoint,
    consistencyProof,
  });
}

const head = (h: Head) => `${h.origin} size ${h.size} root ${h.root}`;
const time = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

/** The report in a few lines; a fork in red when `color`. */
export function describeLog(report: LogReport, color: boolean): string[] {
  if (!report.present) return ['log: not checked against the transparency log (the bundle has no log field)'];
  const red = (s: string) => (color ? `\x1b[31m${s}\x1b[0m` : s);
  const lines = [`log: checkpoint ${report.checkpoint ? head(report.checkpoint) : '(unreadable)'}`];
  const sig = report.signature;
  lines.push(
    sig.status === 'verified'
      ? `  checkpoint verified (key ${sig.key})`
      : sig.status === 'invalid'
        ? `  checkpoint signature INVALID: ${sig.reason}`
        : '  checkpoint signature not checked (no --log-key): the inclusion proofs below prove nothing on their own',
  );
  for (const h of report.hops) {
    const name = (h.hop !== null ? `hop ${h.hop}` : `#${h.index + 1}`).padEnd(9);
    lines.push(`  ${name} ${h.status === 'included' ? `included at index ${h.leaf_index}` : h.status === 'not-in-log' ? 'not yet in the log' : `INCLUSION INVALID: ${h.reason}`}`);
  }
  const w = report.witnesses;
  if (w.list.length > 0) {
    const who = w.list.map((x) => `${x.name} ${x.status === 'cosigned' ? `at ${time(x.timestamp!)}` : x.status}`).join(', ');
    lines.push(`  cosigned by ${w.cosigned} of ${w.required} required witness(es): ${who}`);
  } else {
    lines.push('  witnesses not checked (no --witness)');
  }
  const c = report.consistency;
  if (c.status === 'fork') {
    lines.push(red(`  FORK: the log signed two inconsistent checkpoints (${c.reason})`), red(`    seen earlier: ${head(c.trusted!)}`), red(`    this bundle:  ${head(report.checkpoint!)}`));
  } else if (c.status === 'consistent' || c.status === 'same') {
    lines.push(`  consistent with the last seen checkpoint (${head(c.trusted!)})`);
  } else if (c.status === 'unavailable') {
    lines.push(`  consistency not checked: ${c.reason}`);
  } else {
    lines.push('  consistency not checked (no --trusted-checkpoint)');
  }
  for (const f of report.failures.filter((f) => f.code !== 'INCLUSION_INVALID' && f.code !== 'LOG_FORK')) lines.push(`  ${f.code}: ${f.message}`);
  return lines;
}
