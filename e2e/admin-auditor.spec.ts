import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { APIRequestContext, Page } from '@playwright/test';
import { buildBundle, buildReceipt } from '@/server/receipts/build';
import { jwksOf, signedBundle, signedChain, sr1Chain, testSigner } from '@/server/receipts/fixtures';
import { createSigner, generateSeed, publicJwk } from '@/server/receipts/node-signer';
import type { Receipt } from '@/server/receipts/types';
import { DEMO, E2E_API_KEY, expect, signIn, snap, test } from './support';

const workDir = mkdtempSync(path.join(tmpdir(), 'signet-e2e-auditor-'));
const example = JSON.parse(readFileSync('server/mappings/verticals/finance/examples/finance-demo.json', 'utf8')) as Record<string, unknown>;

async function exchange(request: APIRequestContext, traceId?: string): Promise<string> {
  const res = await request.post('/v1/exchange', {
    headers: { 'X-SIGNET-API-Key': E2E_API_KEY, 'X-SIGNET-Idempotency-Key': `e2e-${Date.now()}-${Math.random()}` },
    data: { payload_type: example.payload_type, target_type: example.target_type, payload: example.payload, ...(traceId && { trace_id: traceId }) },
  });
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { trace_id: string }).trace_id;
}

/** Every request the page makes while `action` runs. */
async function requestsDuring(page: Page, action: () => Promise<void>): Promise<string[]> {
  const urls: string[] = [];
  const record = (r: { url(): string }) => urls.push(r.url());
  page.on('request', record);
  try {
    await action();
  } finally {
    page.off('request', record);
  }
  return urls;
}

test('an admin browses tenants, edits the global allowlist, rotates the signing key and reads the audit log', async ({ page, request }, info) => {
  await exchange(request);
  await signIn(page, DEMO.admin);

  await expect(page.getByRole('heading', { name: 'Tenants' })).toBeVisible();
  const table = page.getByRole('table', { name: 'Tenants' });
  await expect(table.getByRole('link', { name: 'Demo Company' })).toBeVisible();
  await expect(table.getByRole('row').filter({ hasText: 'partner' }).getByRole('cell').nth(5)).toHaveText('1');
  await snap(page, info, 'admin-tenants');
  await page.getByLabel('Search tenants').fill('demo co');
  await expect(table.getByRole('link')).toHaveCount(1);
  await table.getByRole('link', { name: 'Demo Company' }).click();
  await expect(page.getByRole('heading', { name: 'Demo Company' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Members' })).toContainText(DEMO.owner);
  await expect(page.getByRole('table', { name: 'API keys' })).toContainText('active');
  await snap(page, info, 'admin-tenant-detail');

  await page.getByRole('link', { name: 'Global allowlist' }).click();
  await expect(page.getByRole('heading', { name: 'Global forward allowlist' })).toBeVisible();
  await expect(page.getByText('No admin entries')).toBeVisible();
  await page.getByRole('button', { name: 'Add entry' }).click();
  await page.getByLabel('Allowlist entry 1').fill('https://api.partner.example/v1');
  await page.getByRole('button', { name: 'Add entry' }).click();
  await page.getByLabel('Allowlist entry 2').fill('*.Partner.Example:8443');
  await page.getByRole('button', { name: 'Save allowlist' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'not a host pattern' })).toBeVisible();
  await expect(page.getByLabel('Allowlist entry 1')).toHaveAttribute('aria-invalid', 'true');
  await snap(page, info, 'admin-allowlist-error');
  await page.getByLabel('Allowlist entry 1').fill('api.partner.example');
  await page.getByRole('button', { name: 'Save allowlist' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await expect(page.getByLabel('Allowlist entry 2')).toHaveValue('*.partner.example:8443');
  await page.reload();
  await expect(page.getByLabel('Allowlist entry 1')).toHaveValue('api.partner.example');
  await snap(page, info, 'admin-allowlist');

  await page.getByRole('link', { name: 'Signing keys' }).click();
  const keys = page.getByRole('table', { name: 'Signing keys' });
  await expect(keys.getByRole('row')).toHaveCount(2);
  const oldKid = (await keys.getByRole('row').nth(1).getByRole('cell').first().textContent())!;
  await page.getByRole('button', { name: 'Rotate signing key' }).click();
  await snap(page, info, 'admin-keys-confirm');
  await page.getByRole('button', { name: 'Yes, rotate the key' }).click();
  await expect(page.getByText(/New active key/)).toContainText(oldKid);
  await expect(keys.getByRole('row')).toHaveCount(3);
  await expect(keys.getByRole('row').filter({ hasText: oldKid })).toContainText('retired');
  const jwks = (await (await request.get('/.well-known/jwks.json')).json()) as { keys: { kid: string }[] };
  expect(jwks.keys.map((k) => k.kid)).toContain(oldKid);
  expect(jwks.keys).toHaveLength(2);
  await snap(page, info, 'admin-keys');

  await page.getByRole('link', { name: 'Audit log' }).click();
  const log = page.getByRole('table', { name: 'Audit log entries' });
  await expect(log.getByRole('row').nth(1)).toContainText('signing_key.rotate');
  await expect(log.getByRole('row').nth(1)).toContainText(DEMO.admin);
  await expect(log).toContainText('allowlist.global.update');
  await page.getByLabel('Action starts with').fill('allowlist.');
  await expect(log.getByRole('row')).toHaveCount(2);
  await log.getByText('Show').click();
  await expect(log).toContainText('api.partner.example');
  await snap(page, info, 'admin-audit');
});

test('an auditor verifies a real bundle, catches a tampered one, and verifies offline', async ({ page, request }, info) => {
  const traceId = await exchange(request);
  await exchange(request, traceId);

  await signIn(page, DEMO.auditor);
  await expect(page.getByRole('button', { name: 'Verify in this browser' })).toBeEnabled();
  await snap(page, info, 'auditor-empty');

  // (a) By tenant and trace id (trace ids are per tenant), with the session cookie; the JWKS comes along from this Signet.
  await page.getByLabel('Tenant', { exact: true }).fill('partner');
  await page.getByLabel('Trace id').fill(traceId);
  await page.getByRole('button', { name: 'Load bundle' }).click();
  await expect(page.getByText(`Loaded trace ${traceId} of tenant partner`)).toBeVisible();
  await expect(page.getByLabel('JWKS JSON')).toHaveValue(/"keys"/);
  await page.getByRole('button', { name: 'Verify in this browser' }).click();
  await expect(page.getByTestId('verdict')).toHaveText('VALID');
  await expect(page.getByTestId('hop-row')).toHaveCount(2);
  await expect(page.getByText('matches the chain')).toBeVisible();
  await snap(page, info, 'auditor-valid');

  // (b) The exported file, one digit of hop 2's canon changed, checked against a pasted JWKS.
  const exported = await request.get(`/v1/receipts/export/${traceId}`, { headers: { 'X-SIGNET-API-Key': E2E_API_KEY } });
  expect(exported.status()).toBe(200);
  const bundle = (await exported.json()) as { chain: Receipt[] };
  expect(bundle.chain[1]!.canon).toContain('"100000"');
  bundle.chain[1]!.canon = bundle.chain[1]!.canon.replace('"100000"', '"900000"');
  const tamperedFile = path.join(workDir, 'tampered.json');
  writeFileSync(tamperedFile, JSON.stringify(bundle, null, 2));
  const jwksText = await (await request.get('/.well-known/jwks.json')).text();

  // Loading another bundle clears the VALID verdict at once: it described the old bundle.
  await page.getByLabel('choose a bundle file').setInputFiles(tamperedFile);
  await expect(page.getByText('Loaded file tampered.json')).toBeVisible();
  await expect(page.getByTestId('verdict')).toHaveCount(0);
  // Without keys, verifying asks where they should come from instead of failing.
  await page.getByLabel('JWKS JSON').fill('');
  const verify = page.getByRole('button', { name: 'Verify in this browser' });
  await verify.click();
  const needKeys = page.getByTestId('need-keys');
  await expect(needKeys).toContainText('trusts this server');
  await expect(page.getByTestId('verdict')).toHaveCount(0);
  await snap(page, info, 'auditor-needs-keys');
  await needKeys.getByRole('button', { name: 'Paste a JWKS' }).click();
  await expect(page.getByLabel('JWKS JSON')).toBeFocused();
  await page.getByLabel('JWKS JSON').fill(jwksText);
  await expect(needKeys).toHaveCount(0);
  await expect(verify).toBeEnabled();
  const requests = await requestsDuring(page, async () => {
    await verify.click();
    await expect(page.getByTestId('verdict')).toHaveText('INVALID');
  });
  expect(requests).toEqual([]);
  const failure = page.getByTestId('first-failure');
  await expect(failure).toContainText('First failure: hop 2');
  await expect(failure).toContainText('CID_MISMATCH');
  await expect(failure).toContainText('cid of canon is');
  const rows = page.getByTestId('hop-row');
  await expect(rows.nth(0)).toContainText('valid');
  await expect(rows.nth(1)).toHaveAttribute('aria-current', 'true');
  await expect(rows.nth(1)).toContainText('RECEIPT_HASH_MISMATCH');
  await expect(page.getByText('does not match the chain')).toBeVisible();
  await snap(page, info, 'auditor-invalid');

  // Editing the keys clears the verdict too; fetching this Signet's JWKS from the offer verifies again.
  await page.getByLabel('JWKS JSON').fill('');
  await expect(page.getByTestId('verdict')).toHaveCount(0);
  await verify.click();
  await page.getByRole('button', { name: "Fetch this Signet's JWKS (trusts this server)" }).click();
  await expect(page.getByLabel('JWKS JSON')).toHaveValue(/"keys"/);
  await verify.click();
  await expect(page.getByTestId('verdict')).toHaveText('INVALID');
});

test('the auditor page says UNSIGNED for a bundle of unsigned receipts, and refuses duplicate keys', async ({ page }, info) => {
  const signer = testSigner('e2e-fixture-key', 3);
  const jwksText = JSON.stringify(jwksOf(signer));
  await signIn(page, DEMO.auditor);
  await page.getByLabel('JWKS JSON').fill(jwksText);
  const verify = page.getByRole('button', { name: 'Verify in this browser' });

  await page.getByLabel('Bundle JSON').fill(JSON.stringify(signedBundle(sr1Chain(3), signer), null, 2));
  await verify.click();
  await expect(page.getByTestId('verdict')).toHaveText('UNSIGNED');
  await expect(page.getByTestId('unsigned-explanation')).toContainText('it does not show who issued it');
  await expect(page.getByTestId('hop-row').first()).toContainText('unsigned');
  await snap(page, info, 'auditor-unsigned');

  // JSON.parse would keep the second "tenant"; the verifier refuses the document and names the hop.
  const duplicated = JSON.stringify(signedBundle(signedChain(2, signer), signer)).replace(/"tenant":"acme"(?![\s\S]*"tenant")/, '"tenant":"acme","tenant":"acme"');
  await page.getByLabel('Bundle JSON').fill(duplicated);
  await verify.click();
  await expect(page.getByTestId('verdict')).toHaveText('INVALID');
  await expect(page.getByTestId('first-failure')).toContainText('First failure: hop 2');
  await expect(page.getByTestId('first-failure')).toContainText('DUPLICATE_KEY hop 2: key "tenant" occurs more than once in the receipt');
  await snap(page, info, 'auditor-duplicate-key');
});

test('the auditor page verifies a 1,000-hop bundle offline', async ({ page }, info) => {
  const signer = createSigner(generateSeed(), 'e2e-bulk-key');
  const traceId = 'tr_e2e_bulk';
  const chain: Receipt[] = [];
  for (let hop = 1; hop <= 1000; hop++) {
    chain.push(
      buildReceipt(
        {
          trace_id: traceId,
          hop,
          ts: new Date(Date.UTC(2025, 0, 1, 0, 0, hop)).toISOString(),
          tenant: 'partner',
          payload_type: 'openai.tooluse.invoice.v1',
          target_type: 'invoice.iso20022.v1',
          normalized: { invoice_header: { id: `INV-${hop}` }, amount: { value: `${hop}.00`, currency: 'USD' } },
          prev_receipt_hash: chain.at(-1)?.receipt_hash ?? null,
          policy: { engine: 'HEL', allowed: true, reason: 'no_forward' },
        },
        signer,
      ),
    );
  }
  const bundleText = JSON.stringify(buildBundle(traceId, chain, '2025-01-01T01:00:00Z', signer));
  const jwksText = JSON.stringify({ keys: [publicJwk(signer.publicKey, signer.kid)] });
  writeFileSync(path.join(workDir, 'bulk.json'), bundleText);
  writeFileSync(path.join(workDir, 'bulk-jwks.json'), jwksText);

  await signIn(page, DEMO.auditor);
  await page.getByLabel('JWKS JSON').fill(readFileSync(path.join(workDir, 'bulk-jwks.json'), 'utf8'));
  const dataTransfer = await page.evaluateHandle((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'bulk.json', { type: 'application/json' }));
    return dt;
  }, readFileSync(path.join(workDir, 'bulk.json'), 'utf8'));
  await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer });
  await expect(page.getByText('Loaded file bulk.json')).toBeVisible();
  const verify = page.getByRole('button', { name: 'Verify in this browser' });
  await expect(verify).toBeEnabled();

  const requests = await requestsDuring(page, async () => {
    await verify.click();
    await expect(page.getByTestId('verdict')).toHaveText('VALID');
  });
  expect(requests).toEqual([]);
  const timing = await page.getByTestId('timing').textContent();
  // The time is reported, not asserted: `npm run bench` measures it (speed is never a test).
  info.annotations.push({ type: 'timing', description: `${timing}` });
  await expect(page.getByTestId('hop-row')).toHaveCount(100);
  await expect(page.getByText('Page 1 of 10')).toBeVisible();
  await page.getByLabel('Only hops with problems').check();
  await expect(page.getByText('Every hop is valid.')).toBeVisible();
  await snap(page, info, 'auditor-1000-hops');
});
