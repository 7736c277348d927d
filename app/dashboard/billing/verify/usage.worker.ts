// Verifies a usage proof bundle off the main thread, as it streams: the file is read line by
// line (one receipt per line), so a period of millions never sits in memory as one string.
import { UsageBundleLines } from '@/server/usage-proof/verify';
import type { UsageRequest, UsageWorkerMessage } from './usage-protocol';

const PROGRESS_INTERVAL_MS = 100;
const send = (message: UsageWorkerMessage) => postMessage(message);

async function text(url: string, what: string): Promise<string> {
  const res = await fetch(url, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`could not fetch ${what} (${url}): HTTP ${res.status}`);
  return res.text();
}

addEventListener('message', async (event: MessageEvent<UsageRequest>) => {
  const { id, file } = event.data;
  try {
    const jwks: unknown = JSON.parse(await text('/.well-known/jwks.json', 'the JWKS'));
    const logKey = await text('/v1/log/key', 'the log key');
    const reader = new UsageBundleLines({ jwks, logKey });
    const decoder = new TextDecoder();
    const stream = file.stream().getReader();
    let bytes = 0;
    let lines = 0;
    let last = 0;
    for (;;) {
      const { done, value } = await stream.read();
      if (done) break;
      bytes += value.length;
      lines += reader.text(decoder.decode(value, { stream: true }));
      const now = performance.now();
      if (now - last >= PROGRESS_INTERVAL_MS) {
        last = now;
        send({ type: 'progress', id, bytes, total: file.size, lines });
      }
    }
    reader.text(decoder.decode());
    send({ type: 'result', id, report: reader.finish() });
  } catch (error) {
    send({ type: 'input-error', id, message: (error as Error).message });
  }
});

send({ type: 'ready' });
