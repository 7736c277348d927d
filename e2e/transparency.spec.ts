// The auditor checks a bundle's transparency-log proofs in the browser: inclusion, two witnesses'
// cosignatures, a tampered proof and a checkpoint inconsistent with the one seen before.
import { expect, test } from '@playwright/test';
import { buildBundle, buildReceipt } from '@/server/receipts/build';
import { createSigner, publicJwk } from '@/server/receipts/node-signer';
import type { Receipt } from '@/server/receipts/types';
import { NaiveLog, naiveKey } from '@/server/transparency/testing/naive-log';
import { DEMO, signIn, snap } from './support';

const signer = createSigner(new Uint8Array(32).fill(5), 'e2e-log-key');
const chain: Receipt[] = [];
for (let hop = 1; hop <= 3; hop++) {
  chain.push(
    buildReceipt(
      {
        trace_id: 'tr_e2e_log',
        hop,
        ts: `2026-11-01T10:00:0${hop}Z`,
        tenant: 'partner',
        payload_type: 'openai.tooluse.invoice.v1',
        target_type: 'invoice.iso20022.v1',
        normalized: { invoice_header: { id: `INV-${hop}` } },
        prev_receipt_hash: chain.at(-1)?.receipt_hash ?? null,
        policy: { engine: 'HEL', allowed: true, reason: 'no_forward' },
      },
      signer,
    ),
  );
}
const bundle = buildBundle('tr_e2e_log', chain, '2026-11-01T10:05:00Z', signer);
const witnesses = [naiveKey('witness.alpha.example/w', 0x04, 21), naiveKey('witness.beta.example/w', 0x04, 22)];
const log = new NaiveLog('signet.e2e/v1/log', witnesses);
for (let i = 0; i < 40; i++) log.tree.append(`sha256:${i.toString(16).padStart(64, '0')}`);
for (const r of chain) log.tree.append(r.receipt_hash);
const good = JSON.stringify({ ...bundle, log: log.bundleLog(chain, log.size, 1_793_000_000) });

test('an auditor sees inclusion and two cosignatures, then a tampered proof and a fork as failures', async ({ page }, info) => {
  await signIn(page, DEMO.auditor);
  // This Signet may or may not run a log: the panel says which, without breaking the page.
  await expect(page.getByTestId('log-unavailable').or(page.getByTestId('log-panel'))).toBeVisible();
  await page.getByLabel('JWKS JSON').fill(JSON.stringify({ keys: [publicJwk(signer.publicKey, signer.kid)] }));
  await page.getByLabel('Log key').fill(log.key.vkey);
  await page.getByLabel('Witness keys').fill(witnesses.map((w) => w.vkey).join('\n'));
  const verify = page.getByRole('button', { name: 'Verify in this browser' });

  await page.getByLabel('Bundle JSON').fill(good);
  await verify.click();
  await expect(page.getByTestId('verdict')).toHaveText('VALID');
  await expect(page.getByTestId('log-hop')).toHaveCount(3);
  await expect(page.getByTestId('log-hop').nth(0)).toContainText('included at index 40');
  await expect(page.getByTestId('log-hop').nth(2)).toContainText('included at index 42');
  await expect(page.getByTestId('log-checkpoint')).toContainText('Checkpoint verified (size 43');
  await expect(page.getByTestId('log-witnesses')).toContainText('Cosigned by 2 of 2 required witnesses: witness.alpha.example/w (cosigned), witness.beta.example/w (cosigned)');
  await snap(page, info, 'auditor-log-included');

  // One hash of hop 2's inclusion proof changed.
  const tampered = JSON.parse(good) as { log: { proofs: { hashes: string[] }[] } };
  tampered.log.proofs[1]!.hashes[0] = Buffer.alloc(32, 7).toString('base64');
  await page.getByLabel('Bundle JSON').fill(JSON.stringify(tampered));
  await verify.click();
  await expect(page.getByTestId('verdict')).toHaveText('INVALID');
  await expect(page.getByTestId('log-hop').nth(1)).toContainText('proof invalid');
  await expect(page.getByTestId('log-hop').nth(1)).toContainText('inclusion proof at index 41 in the tree of size 43');
  await expect(page.getByTestId('log-hop').nth(0)).toContainText('included at index 40');
  await snap(page, info, 'auditor-log-tampered');

  // The same log key signs another history of the same size: inconsistent with the one seen first.
  const forked = new NaiveLog('signet.e2e/v1/log', witnesses);
  for (let i = 0; i < 40; i++) forked.tree.append(`sha256:${(i + 1000).toString(16).padStart(64, '0')}`);
  for (const r of chain) forked.tree.append(r.receipt_hash);
  await page.getByLabel('Bundle JSON').fill(JSON.stringify({ ...bundle, log: forked.bundleLog(chain, forked.size, 1_793_000_100) }));
  await verify.click();
  await expect(page.getByTestId('verdict')).toHaveText('FORK');
  const fork = page.getByTestId('log-fork');
  await expect(fork).toContainText('Fork: the log signed two checkpoints that are not consistent.');
  await expect(fork).toContainText(`Seen earlier: signet.e2e/v1/log · size 43 · root ${log.tree.root().toString('base64')}`);
  await expect(fork).toContainText(`This bundle: signet.e2e/v1/log · size 43 · root ${forked.tree.root().toString('base64')}`);
  await expect(page.getByTestId('log-consistency')).toContainText('Not consistent with the last checkpoint seen in this browser.');
  await snap(page, info, 'auditor-log-fork');
});
