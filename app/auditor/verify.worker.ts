// Runs the receipt verifier off the main thread; the page shows its progress.
import { formatJsonPath, parseJsonStrict, type DuplicateKey } from '@/server/receipts/strict-json';
import { verifyBundleNative } from '@/server/receipts/verify-native';
import type { VerifyRequest, WorkerMessage } from './verify-protocol';

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
  const { id, bundleText, jwksText } = event.data;
  const bundle = parse(bundleText, 'bundle');
  if (!bundle.ok) return send({ type: 'input-error', id, message: bundle.message });
  const jwks = parse(jwksText, 'JWKS');
  if (!jwks.ok) return send({ type: 'input-error', id, message: jwks.message });
  const [duplicate] = jwks.duplicateKeys;
  if (duplicate) {
    return send({ type: 'input-error', id, message: `The JWKS has the key ${JSON.stringify(duplicate.key)} twice in the object at ${formatJsonPath(duplicate.path)}.` });
  }

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
  });
  const cid = (bundle.value as { bundle_cid?: unknown } | null)?.bundle_cid;
  send({ type: 'result', id, report, bundleCid: typeof cid === 'string' ? cid : null });
});

send({ type: 'ready' });
