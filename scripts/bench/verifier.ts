// The auditor page's in-browser verification of a 1,000-hop bundle, timed in Chromium (the
// page reports "Verified N hops in M ms", measured around the Web Worker's work).
import { chromium } from '@playwright/test';
import { buildBundle, buildReceipt } from '@/server/receipts/build';
import { createSigner, generateSeed, publicJwk } from '@/server/receipts/node-signer';
import type { Receipt } from '@/server/receipts/types';

export function thousandHopBundle() {
  const signer = createSigner(generateSeed(), 'bench-bulk-key');
  const chain: Receipt[] = [];
  for (let hop = 1; hop <= 1000; hop++) {
    chain.push(
      buildReceipt(
        {
          trace_id: 'tr_bench_bulk',
          hop,
          ts: new Date(Date.UTC(2026, 0, 1, 0, 0, hop)).toISOString(),
          tenant: 'bench',
          payload_type: 'openai.tooluse.invoice.v1',
          target_type: 'invoice.iso20022.v1',
          normalized: { invoice_header: { id: `INV-${hop}` }, total: { value: `${hop}.00`, currency: 'USD' } },
          prev_receipt_hash: chain.at(-1)?.receipt_hash ?? null,
          policy: { engine: 'HEL', allowed: true, reason: 'no_forward' },
        },
        signer,
      ),
    );
  }
  return {
    bundleText: JSON.stringify(buildBundle('tr_bench_bulk', chain, '2026-01-01T01:00:00Z', signer)),
    jwksText: JSON.stringify({ keys: [publicJwk(signer.publicKey, signer.kid)] }),
  };
}

/** Milliseconds per run, as the page reports them, over `runs` verifications in one page. */
export async function timeVerifierInChromium(baseUrl: string, auditor: { email: string; password: string }, runs = 3): Promise<number[]> {
  const { bundleText, jwksText } = thousandHopBundle();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ baseURL: baseUrl });
    await page.goto('/signin');
    await page.getByLabel('Email').fill(auditor.email);
    await page.getByLabel('Password').fill(auditor.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/auditor/);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      await page.getByLabel('JWKS JSON').fill(jwksText);
      const dataTransfer = await page.evaluateHandle((text) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], 'bulk.json', { type: 'application/json' }));
        return dt;
      }, bundleText);
      await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer });
      await page.getByRole('button', { name: 'Verify in this browser' }).click();
      await page.getByTestId('verdict').filter({ hasText: 'VALID' }).waitFor();
      const timing = (await page.getByTestId('timing').textContent()) ?? '';
      times.push(Number(/in ([\d,]+) ms/.exec(timing)?.[1]?.replace(/,/g, '') ?? NaN));
    }
    return times;
  } finally {
    await browser.close();
  }
}
