// The auditor page's in-browser verification of a 1,000-hop bundle, timed in Chromium: a real
// trace of this server, exported with its `log` field, so each run checks 1,000 signatures,
// 1,000 inclusion proofs against the checkpoint, the log's signature, and the consistency proof
// from a checkpoint seen earlier (fetched from the log by the page's worker). The page reports
// "Verified N hops in M ms", measured from handing the bundle to the Web Worker to its result.
import { chromium } from '@playwright/test';
import { parseSignedCheckpoint } from '@/server/transparency/verify-log';

const HOPS = 1000;
const TRACE = 'bench-verify-1000';

interface LogBundle {
  chain: unknown[];
  log?: { checkpoint: string; proofs: unknown[] };
}

const sizeOf = (checkpoint: string) => {
  const parsed = parseSignedCheckpoint(checkpoint);
  if (!parsed.ok) throw new Error(`bundle checkpoint: ${parsed.reason}`);
  return parsed.value.checkpoint;
};

async function exportBundle(baseUrl: string, apiKey: string): Promise<{ text: string; bundle: LogBundle }> {
  const res = await fetch(`${baseUrl}/v1/receipts/export/${TRACE}`, { headers: { 'x-signet-api-key': apiKey } });
  if (!res.ok) throw new Error(`export: HTTP ${res.status}`);
  const text = await res.text();
  return { text, bundle: JSON.parse(text) as LogBundle };
}

/** Exports the trace once the log holds all its hops in a checkpoint larger than `beyond`. */
async function exportSequenced(baseUrl: string, apiKey: string, beyond: number) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const out = await exportBundle(baseUrl, apiKey);
    const log = out.bundle.log;
    if (log && log.proofs.length === HOPS && sizeOf(log.checkpoint).size > beyond) return { ...out, checkpoint: log.checkpoint };
    if (Date.now() > deadline) throw new Error(`the log did not sequence the ${HOPS}-hop trace in 120 s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Milliseconds per run, as the page reports them, over `runs` verifications in one page. Builds
 * the trace with `exchange` (one request per hop), then commits a few more receipts so the
 * bundle's checkpoint is newer than the one the browser is told it saw before.
 */
export async function timeVerifierInChromium(
  baseUrl: string,
  auditor: { email: string; password: string },
  apiKey: string,
  exchange: (traceId: string | undefined) => Promise<void>,
  runs = 3,
): Promise<number[]> {
  for (let hop = 0; hop < HOPS; hop++) await exchange(TRACE);
  const first = await exportSequenced(baseUrl, apiKey, 0);
  for (let i = 0; i < 10; i++) await exchange(undefined);
  const seenBefore = sizeOf(first.checkpoint);
  const { text: bundleText, checkpoint } = await exportSequenced(baseUrl, apiKey, seenBefore.size);
  const [jwksText, logKey] = await Promise.all([fetch(`${baseUrl}/.well-known/jwks.json`).then((r) => r.text()), fetch(`${baseUrl}/v1/log/key`).then((r) => r.text())]);

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ baseURL: baseUrl });
    // Rendering a 1,000-row report can keep a loaded machine's browser busy past the 30 s default.
    page.setDefaultTimeout(180_000);
    await page.goto('/signin');
    await page.getByLabel('Email').fill(auditor.email);
    await page.getByLabel('Password').fill(auditor.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/auditor/);
    await page.getByLabel('JWKS JSON').fill(jwksText);
    await page.getByLabel('Log key').fill(logKey.trim());
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      // The browser saw the older checkpoint: the worker fetches and checks the consistency proof.
      await page.evaluate(([origin, note]) => localStorage.setItem('signet.transparency.seen-checkpoints', JSON.stringify({ [origin]: note })), [seenBefore.origin, first.checkpoint] as const);
      const dataTransfer = await page.evaluateHandle((text) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], 'bulk.json', { type: 'application/json' }));
        return dt;
      }, bundleText);
      await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer });
      await page.getByRole('button', { name: 'Verify in this browser' }).click();
      await page.getByTestId('verdict').filter({ hasText: 'VALID' }).waitFor();
      const consistency = (await page.getByTestId('log-consistency').textContent()) ?? '';
      const inclusion = (await page.getByTestId('log-inclusion-summary').textContent()) ?? '';
      if (!consistency.includes(`Consistent with the last checkpoint seen in this browser (size ${seenBefore.size})`) || !inclusion.includes(`${HOPS.toLocaleString('en-US')} of ${HOPS.toLocaleString('en-US')} hops included in the log.`)) {
        throw new Error(`verification did not check the log as expected: ${inclusion}; ${consistency}`);
      }
      const timing = (await page.getByTestId('timing').textContent()) ?? '';
      times.push(Number(/in ([\d,]+) ms/.exec(timing)?.[1]?.replace(/,/g, '') ?? NaN));
    }
    process.stderr.write(`  verified ${HOPS} hops against checkpoint size ${sizeOf(checkpoint).size}, consistent with size ${seenBefore.size}\n`);
    return times;
  } finally {
    await browser.close();
  }
}
