// Runs the receipt verifier off the main thread; the page shows its progress.
import { formatJsonPath, parseJsonStrict, type DuplicateKey } from '@/server/receipts/strict-json';
import { verifyBundleNative } from '@/server/receipts/verify-native';
import { parseSignedCheckpoint, consistencyNeeded, verifyBundleLog, type LogReport } from '@/server/transparency/verify-log';
import type { LogRequest, VerifyRequest, WorkerMessage } from './verify-protocol';

const PROGRESS_INTERVAL_MS = 50;
const send = (message: WorkerMessage) => postMessage(message);

// Duplicate keys in the bundle are verification failures (the report locates them); in the JWKS, an input error.
function parse(text: string, what: string): { ok: true; value: unknown; duplicateKeys: DuplicateKey[] } | { ok: false; message: string } {
  if (text.trim() === '') return { ok: false, message: `Provide the ${what}.` };
  try {
    return { ok: true, ...parseJsonStrict(text) };
  } catch (error) {
    return { ok: false, message: `The ${what} is not valid JSON: ${(error as Error).message}` };
  }
}

addEventListener('message', async (event: MessageEvent<VerifyRequest>) => {
  const { id, bundleText, jwksText, log } = event.data;
  const bundle = parse(bundleText, 'bundle');
  if (!bundle.ok) return send({ type: 'input-error', id, message: bundle.message });
  const jwks = parse(jwksText, 'JWKS');
  if (!jwks.ok) return send({ type: 'input-error', id, message: jwks.message });
  const [duplicate] = jwks.duplicateKeys;
  if (duplicate) {
    return send({ type: 'input-error', id, message: `The JWKS has the key ${JSON.stringify(duplicate.key)} twice in the object at ${formatJsonPath(duplicate.path)}.` });
  }

  // The consistency proof is fetched, and the log checked, while the platform checks the signatures.
  const proof = fetchConsistencyProof(bundle.value, log);
  let logChecked: Promise<LogReport> | undefined;
  const checkLogOnce = () => (logChecked ??= proof.then((consistencyProof) => checkLog(bundle.value, log, consistencyProof)));
  let last = 0;
  const report = await verifyBundleNative(bundle.value, jwks.value, {
    duplicateKeys: bundle.duplicateKeys,
    onProgress(done, total) {
      const now = performance.now();
      if (done === total || now - last >= PROGRESS_INTERVAL_MS) {
        last = now;
        send({ type: 'progress', id, done, total });
      }
    },
    async alongside() {
      await checkLogOnce();
    },
  });
  const cid = (bundle.value as { bundle_cid?: unknown } | null)?.bundle_cid;
  send({ type: 'result', id, report, bundleCid: typeof cid === 'string' ? cid : null, log: await checkLogOnce() });
});

/** The checkpoint this browser saw before, if any, for the bundle's log. */
function trustedFor(bundle: unknown, request: LogRequest): string | null {
  const log = (bundle as { log?: { checkpoint?: unknown } } | null)?.log;
  const current = parseSignedCheckpoint(log?.checkpoint);
  return current.ok ? (request.seen[current.value.checkpoint.origin] ?? null) : null;
}

/** A consistency proof is asked of this Signet only when needed; undefined when none was had. */
async function fetchConsistencyProof(bundle: unknown, request: LogRequest): Promise<unknown> {
  const needed = consistencyNeeded(bundle, trustedFor(bundle, request));
  if (!needed) return undefined;
  try {
    const res = await fetch(`/v1/log/proof/consistency?from=${needed.from}&to=${needed.to}`, { credentials: 'same-origin' });
    if (res.ok) return await res.json();
  } catch {
    // Reported as "consistency not checked": the proof is what is missing, not the bundle.
  }
  return undefined;
}

/** The bundle's `log` under the auditor's policy. */
function checkLog(bundle: unknown, request: LogRequest, consistencyProof: unknown): LogReport {
  return verifyBundleLog(bundle, {
    logKey: request.logKey.trim() || null,
    witnesses: request.witnesses,
    ...(request.witnessesRequired !== null && { witnessesRequired: request.witnessesRequired }),
    trustedCheckpoint: trustedFor(bundle, request),
    consistencyProof,
  });
}

send({ type: 'ready' });
