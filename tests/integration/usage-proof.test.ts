// Provable usage (SPEC §8) end to end: real exchanges → sequenced receipts → batches named by
// Merkle roots → the signed usage statement → the streamed proof bundle → the verifier. The
// rating is checked against a re-rating written out here independently (integer arithmetic in
// 1e-4 dollars, half-up per line); tampering of every kind the issue names must be caught and
// named; a closed period's statement never changes; past periods are rated with past terms.
import { execFile } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendDueBatches } from '@/server/billing/outbox-worker';
import { quotePlanChange } from '@/server/billing/plan-change';
import { localProvider } from '@/server/billing/provider';
import { saveReservedCapacity, SYSTEM_ACTOR } from '@/server/billing/reserved';
import { loadConfig } from '@/server/config';
import { startTransparencyLog } from '@/server/log/start';
import { cid } from '@/server/receipts/canonical';
import { main as signetVerify } from '@/server/receipts/cli';
import { startHashingThread } from '@/server/usage-proof/hashing-thread';
import { usageStatement, type UsageStatement } from '@/server/usage-proof/statement';
import { UsageBundleLines, verifyUsageBundle, type UsageReport, type UsageVerifyOptions } from '@/server/usage-proof/verify';
import { buildBins } from '../../scripts/build-bins.mjs';
import { startTestApi, type TestApi } from '../support/api';

let api: TestApi;
let log: Awaited<ReturnType<typeof startTransparencyLog>>;
const keys: Record<string, string> = {};
let trust: UsageVerifyOptions;

const exchange = (n: number) => ({
  payload_type: 'openai.tooluse.invoice.v1',
  target_type: 'invoice.iso20022.v1',
  payload: { tool_calls: [{ function: { name: 'create_invoice', arguments: JSON.stringify({ invoice_id: `INV-${n}`, amount: n + 1, currency: 'USD' }) } }] },
});

// The tariff under test: reserved capacity with a plan fee, prices chosen so that half-up per
// line differs from half-even and from rounding the total once.
const RESERVED = {
  subscription_plan: 'starter',
  vex_reserved: 3,
  fu_reserved: 1000,
  vex_overage_tiers: [
    { threshold: 2, price_per_unit: '0.0051' },
    { threshold: 7, price_per_unit: '0.001' },
    { threshold: 100, price_per_unit: '0.0125' },
  ],
  fu_overage_tiers: [
    { threshold: 1000, price_per_unit: '0.001' },
    { threshold: 2000, price_per_unit: '0.0008' },
  ],
};
const FU_TOKENS = [700, 800, 900];

/** SPEC §6 written out again: integer 1e-4 dollars, graduated tiers, each line rounded half-up to cents. */
function independentTotalCents(units: { vex: number; fu: number }): number {
  const lineCents = (n: number, price: string) => {
    const tenThousandths = n * Math.round(Number(price) * 10_000);
    return Math.floor((tenThousandths + 50) / 100);
  };
  const meter = (used: number, reserved: number, tiers: { threshold: number; price_per_unit: string }[]) => {
    const billable = Math.max(0, used - reserved);
    let done = 0;
    let cents = 0;
    tiers.forEach((t, i) => {
      const end = i === tiers.length - 1 ? billable : Math.min(billable, t.threshold);
      if (end > done) cents += lineCents(end - done, t.price_per_unit);
      done = Math.max(done, end);
    });
    return cents;
  };
  return 49_900 + meter(units.vex, RESERVED.vex_reserved, RESERVED.vex_overage_tiers) + meter(units.fu, RESERVED.fu_reserved, RESERVED.fu_overage_tiers);
}

async function sequence() {
  while ((await log.sequencer.runBatch()).sequenced > 0);
}

async function bundleText(tenant: string, query = ''): Promise<string> {
  const res = await fetch(`${api.url}/v1/billing/usage-proof${query}`, { headers: { 'x-signet-api-key': keys[tenant]! } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return res.text();
}

const bundleOf = async (tenant: string, query = '') => JSON.parse(await bundleText(tenant, query)) as Bundle;

interface Bundle {
  statement: UsageStatement;
  statement_cid: string;
  kid: string;
  signature: string;
  provider?: { kind: string; events: { identifier: string; value: number }[]; pending: string[] };
  tiles?: { level: number; index: number; width: number; hashes: string }[];
  receipts: { receipt_hash: string; meter: string; units: number; leaf_index: number; hashes?: string[] }[];
}

const clone = (b: Bundle): Bundle => structuredClone(b);

/** The layout writeBundle streams: the head, then one tile or receipt per line. */
function asLines(b: Bundle, crlf = false): string {
  const { tiles, receipts, ...head } = b;
  const text = JSON.stringify(head).slice(0, -1);
  const list = (items: unknown[]) => items.map((i) => JSON.stringify(i)).join(',\n');
  const body = tiles ? `${text},"tiles":[\n${list(tiles)}\n],"receipts":[\n${list(receipts)}\n]}\n` : `${text},"receipts":[\n${list(receipts)}\n]}\n`;
  return crlf ? body.replaceAll('\n', '\r\n') : body;
}
const codes = (r: UsageReport) => [...new Set(r.failures.map((f) => f.code))];

/** Someone holding a key of their own re-signs an altered statement: only the re-rating and the proofs can catch it. */
const forger = (() => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const x = (publicKey.export({ format: 'jwk' }) as { x: string }).x;
  return {
    jwks: { keys: [{ kty: 'OKP', crv: 'Ed25519', x, kid: 'forger', use: 'sig', alg: 'EdDSA' }] },
    resign(b: Bundle): Bundle {
      const statementCid = cid(b.statement);
      return { ...b, statement_cid: statementCid, kid: 'forger', signature: sign(null, Buffer.from(statementCid), privateKey).toString('base64url') };
    },
  };
})();

beforeAll(async () => {
  api = await startTestApi();
  log = await startTransparencyLog({ ...loadConfig(), log: { origin: null, witnesses: [], sequencer: false } });
  for (const tenant of ['bill-co', 'other-co']) keys[tenant] = await api.tenantWithKey(tenant);
  await saveReservedCapacity(SYSTEM_ACTOR, 'bill-co', RESERVED);
  for (let i = 0; i < 12; i++) expect((await api.exchange(keys['bill-co']!, exchange(i))).status).toBe(200);
  for (let i = 0; i < 2; i++) expect((await api.exchange(keys['other-co']!, exchange(100 + i))).status).toBe(200);
  // Three of the tenant's exchanges were repaired by the LLM fallback: their receipts record FU tokens.
  const receipts = await api.db.prisma.receipt.findMany({ where: { tenantId: 'bill-co' }, orderBy: { id: 'asc' }, take: FU_TOKENS.length });
  for (const [i, r] of receipts.entries()) {
    await api.db.sql.query("INSERT INTO usage_events (tenant_id, meter, units, receipt_hash, occurred_at) VALUES ('bill-co', 'fu', $1, $2, $3)", [FU_TOKENS[i], r.receiptHash, r.createdAt.toISOString()]);
  }
  await sequence();
  const jwks = await (await fetch(`${api.url}/.well-known/jwks.json`)).json();
  trust = { jwks, logKey: await (await fetch(`${api.url}/v1/log/key`)).text() };
}, 240_000);

afterAll(async () => {
  await log?.stop();
  await api?.close();
});

describe('usage statement and proof bundle', () => {
  let bundle: Bundle;
  let compact: Bundle;

  it('names every billed unit by a batch root, and the bill verifies to the cent', async () => {
    await bundleText('bill-co'); // forms the batches
    expect(await sendDueBatches(localProvider(), { windowMs: 0 })).toMatchObject({ failed: 0 });
    bundle = await bundleOf('bill-co');
    const { statement } = bundle;
    expect(statement.tenant).toBe('bill-co');
    expect(statement.tariff).toMatchObject({ basis: 'reserved', plan: 'starter', fee: '499', reserved_capacity: { vex: 3, fu: 1000 }, included: { vex: 3, fu: 1000 } });
    expect(statement.meters.vex).toMatchObject({ units: 12, billable: 9, amount: '0.05' });
    expect(statement.meters.vex.lines.map((l) => l.amount)).toEqual(['0.01', '0.01', '0.03']);
    expect(statement.meters.fu).toMatchObject({ units: 2400, billable: 1400, amount: '1.32' });
    expect(statement.pending_units).toEqual({ vex: 0, fu: 0 });
    expect(statement.rounding).toBe('half-up per line, in cents');
    expect(Math.round(Number(statement.total) * 100)).toBe(independentTotalCents({ vex: 12, fu: 2400 }));
    expect(statement.total).toBe('500.37');
    // Each batch's identifier at the provider is <meter>:<root>; the root is over its receipts in leaf order.
    const batches = await api.db.prisma.billingBatch.findMany({ where: { tenantId: 'bill-co' } });
    expect(statement.batches.map((b) => `${b.meter}:${b.root}`).sort()).toEqual(batches.map((b) => b.identifier).sort());
    expect(bundle.provider?.events.reduce((s, e) => s + e.value, 0)).toBe(9 + 1400);

    const report = verifyUsageBundle(bundle, trust);
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({ valid: true, form: 'receipts', receipts: 15, units: { vex: 12, fu: 2400 }, total: '500.37', provider: 'matches' });
  });

  it('verifies the compact form (tiles instead of paths), streamed line by line', async () => {
    const text = await bundleText('bill-co', '?form=compact');
    compact = JSON.parse(text) as Bundle;
    expect(compact.tiles!.length).toBeGreaterThan(0);
    expect(compact.receipts.every((r) => r.hashes === undefined)).toBe(true);
    const lines = new UsageBundleLines(trust);
    for (const line of text.split('\n')) lines.line(line);
    const report = lines.finish();
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({ valid: true, form: 'compact', units: { vex: 12, fu: 2400 }, total: '500.37', provider: 'matches' });
  });

  it('holds only the calling tenant\'s receipts', async () => {
    const other = await bundleOf('other-co');
    const mine = new Set(bundle.receipts.map((r) => r.receipt_hash));
    expect(other.receipts).toHaveLength(2);
    expect(other.receipts.some((r) => mine.has(r.receipt_hash))).toBe(false);
    // Its batches are not sent to the provider yet: that is no difference, and is said.
    expect(verifyUsageBundle(other, trust)).toMatchObject({ valid: true, provider: 'pending', failures: [] });
  });

  it('catches and names a dropped, duplicated or foreign receipt and a changed unit', async () => {
    const vexAt = bundle.receipts.findIndex((r) => r.meter === 'vex');
    const dropped = clone(bundle);
    const [gone] = dropped.receipts.splice(vexAt, 1);
    let report = verifyUsageBundle(dropped, trust);
    expect(report.valid).toBe(false);
    expect(codes(report)).toEqual(expect.arrayContaining(['BATCH_ROOT_MISMATCH', 'BATCH_UNITS_MISMATCH', 'UNITS_MISMATCH']));
    expect(report.failures.find((f) => f.code === 'BATCH_ROOT_MISMATCH')).toMatchObject({ meter: 'vex', batch: expect.stringMatching(/^vex:[0-9a-f]{64}$/) });
    expect(report.failures.find((f) => f.code === 'UNITS_MISMATCH')).toMatchObject({ meter: 'vex', amount: '-1' });
    expect(gone).toBeDefined();

    const duplicated = clone(bundle);
    duplicated.receipts.splice(vexAt, 0, duplicated.receipts[vexAt]!);
    report = verifyUsageBundle(duplicated, trust);
    expect(codes(report)).toContain('RECEIPT_DUPLICATE');
    expect(report.failures[0]!.message).toContain(bundle.receipts[vexAt]!.receipt_hash);

    // Another tenant's receipt, with its genuine inclusion proof, slipped into the bill.
    const foreign = (await bundleOf('other-co')).receipts[0]!;
    const padded = clone(bundle);
    padded.receipts.push(foreign);
    padded.receipts.sort((a, b) => a.leaf_index - b.leaf_index || (a.meter < b.meter ? -1 : a.meter > b.meter ? 1 : 0));
    report = verifyUsageBundle(padded, trust);
    expect(report.valid).toBe(false);
    expect(codes(report).some((c) => c === 'RECEIPT_OUTSIDE_BATCHES' || c === 'BATCH_ROOT_MISMATCH')).toBe(true);
    expect(report.failures.find((f) => f.code === 'UNITS_MISMATCH')).toMatchObject({ meter: 'vex', amount: '1' });
    expect(report.failures.some((f) => f.message.includes(foreign.receipt_hash) || f.batch)).toBe(true);

    const changedUnit = clone(bundle);
    const fuAt = changedUnit.receipts.findIndex((r) => r.meter === 'fu');
    changedUnit.receipts[fuAt]!.units += 100;
    report = verifyUsageBundle(changedUnit, trust);
    expect(report.failures.find((f) => f.code === 'BATCH_UNITS_MISMATCH')).toMatchObject({ meter: 'fu', amount: '100' });
  });

  it('catches a changed tariff, batch root or total, signed or re-signed', async () => {
    // Changed and left as it was signed: the signature no longer covers it.
    const tariff = clone(bundle);
    tariff.statement.tariff.tiers.vex[2]!.unit_price = '0.0100';
    expect(codes(verifyUsageBundle(tariff, trust))).toContain('STATEMENT_CID_MISMATCH');

    // Re-signed by someone else's key: the re-rating shows the lines and total no longer follow.
    const forgedTrust = { ...trust, jwks: forger.jwks };
    let report = verifyUsageBundle(forger.resign(tariff), forgedTrust);
    expect(report.failures.find((f) => f.code === 'LINE_MISMATCH')).toMatchObject({ meter: 'vex', amount: '0.02' });
    expect(report.failures.find((f) => f.code === 'TOTAL_MISMATCH')).toMatchObject({ amount: '500.36' });

    const root = clone(bundle);
    const batch = root.statement.batches.find((b) => b.meter === 'vex')!;
    const original = `vex:${batch.root}`;
    batch.root = 'f'.repeat(64);
    report = verifyUsageBundle(forger.resign(root), forgedTrust);
    expect(report.failures.find((f) => f.code === 'BATCH_ROOT_MISMATCH')).toMatchObject({ meter: 'vex', batch: `vex:${'f'.repeat(64)}` });
    expect(report.failures.find((f) => f.code === 'PROVIDER_MISMATCH' && f.batch === original)).toBeDefined();

    const total = clone(bundle);
    total.statement.total = '400.37';
    report = verifyUsageBundle(forger.resign(total), forgedTrust);
    expect(report.failures).toEqual([expect.objectContaining({ code: 'TOTAL_MISMATCH', amount: '500.37' })]);
    expect(codes(verifyUsageBundle(total, trust))).toEqual(expect.arrayContaining(['STATEMENT_CID_MISMATCH', 'TOTAL_MISMATCH']));
  });

  it('catches a provider record that differs from the statement, naming the batch', () => {
    const changed = clone(bundle);
    changed.provider!.events[0]!.value += 5;
    const report = verifyUsageBundle(changed, trust);
    expect(report.provider).toBe('differs');
    expect(report.failures.find((f) => f.code === 'PROVIDER_MISMATCH')).toMatchObject({ amount: '5' });
  });

  it('catches a tampered tile and a receipt the tiles do not hold', () => {
    const tile = clone(compact);
    const bytes = Buffer.from(tile.tiles![0]!.hashes, 'base64');
    bytes[0]! ^= 1;
    tile.tiles![0]!.hashes = bytes.toString('base64');
    expect(codes(verifyUsageBundle(tile, trust))).toContain('TILES_INVALID');

    const moved = clone(compact);
    moved.receipts[0]!.leaf_index += 1;
    moved.receipts.sort((a, b) => a.leaf_index - b.leaf_index);
    expect(codes(verifyUsageBundle(moved, trust))).toContain('INCLUSION_INVALID');
  });

  it('reads the server\'s line layout (receipt lines on a fast path) exactly as the parsed bundle', async () => {
    const streamed = (text: string, chunk: number) => {
      const reader = new UsageBundleLines(trust);
      for (let i = 0; i < text.length; i += chunk) reader.text(text.slice(i, i + chunk));
      return reader.finish();
    };
    const fields = (over: Record<string, unknown>) => (b: Bundle) => void Object.assign(b.receipts[1]!, over);
    const variants: [string, (b: Bundle) => void][] = [
      ['genuine', () => {}],
      ['dropped', (b) => void b.receipts.splice(1, 1)],
      ['duplicated', (b) => void b.receipts.splice(1, 0, structuredClone(b.receipts[1]!))],
      ['out of order', (b) => void b.receipts.reverse()],
      ['moved', (b) => void (b.receipts[0]!.leaf_index += 1)],
      ['units 0', fields({ units: 0 })],
      ['units -1', fields({ units: -1 })],
      ['units 1.5', fields({ units: 1.5 })],
      ['units 1e21', fields({ units: 1e21 })],
      ['leaf 2^53', fields({ leaf_index: 2 ** 53 })],
      ['units as text', fields({ units: '1' })],
      ['upper-case hash', (b) => void (b.receipts[1]!.receipt_hash = b.receipts[1]!.receipt_hash.toUpperCase())],
      ['meter VEX', fields({ meter: 'VEX' })],
      ['extra field', fields({ note: 'x' })],
      ['key order', (b) => void (b.receipts[1] = Object.fromEntries(Object.entries(b.receipts[1]!).reverse()) as Bundle['receipts'][number])],
    ];
    for (const [name, change] of variants) {
      for (const source of [bundle, compact]) {
        const b = clone(source);
        change(b);
        const expected = verifyUsageBundle(b, trust);
        expect(streamed(asLines(b), 1 << 16), name).toEqual(expected);
        expect(streamed(asLines(b, true), 97), `${name}, CRLF in small chunks`).toEqual(expected);
        expect(expected.valid, name).toBe(['genuine', 'key order', 'extra field'].includes(name));
      }
    }
  });

  it('refuses the line layout when its commas are not JSON\'s, as JSON.parse refuses the text', async () => {
    const read = (text: string) => {
      const reader = new UsageBundleLines(trust);
      reader.text(text);
      return reader.finish();
    };
    for (const source of [bundle, compact]) {
      const text = asLines(source);
      const [first, second] = [JSON.stringify(source.receipts[0]), JSON.stringify(source.receipts[1])];
      expect(read(text).valid).toBe(true);
      expect(read(text.replaceAll('\n', '\n\n')).valid, 'blank lines').toBe(true);
      expect(read(text.replace(`${first},\n`, `${first}\n,\n`)).valid, 'comma on a line of its own').toBe(true);
      const broken: [string, string][] = [
        ['trailing comma', text.replace(/\n\]\}\n$/, ',\n]}\n')],
        ['no comma between two receipts', text.replace(`${first},\n${second}`, `${first}\n${second}`)],
        ['two commas', text.replace(`${first},\n`, `${first},\n,\n`)],
        ['a comma after the end', text.replace(/\]\}\n$/, ']},\n')],
      ];
      if (source.tiles) broken.push(['trailing comma after the tiles', text.replace('\n],"receipts":[', ',\n],"receipts":[')]);
      for (const [name, changed] of broken) {
        expect(changed, name).not.toBe(text);
        expect(() => JSON.parse(changed), name).toThrow();
        const report = read(changed);
        expect(report.valid, name).toBe(false);
        expect(codes(report), name).toContain('BUNDLE_MALFORMED');
      }
    }
  });

  it('hashes in a worker thread (tiles, batch roots) with the same report as in line', async () => {
    const tamperTile = (b: Bundle, i: number) => {
      const bytes = Buffer.from(b.tiles![i]!.hashes, 'base64');
      bytes[0]! ^= 1;
      b.tiles![i]!.hashes = bytes.toString('base64');
    };
    const variants: [string, (b: Bundle) => void][] = [
      ['genuine', () => {}],
      ['tampered leaf tile', (b) => tamperTile(b, 0)],
      ['tampered top tile', (b) => tamperTile(b, b.tiles!.length - 1)],
      ['missing tile', (b) => void b.tiles!.pop()], // here the only tile: no receipt's leaf is covered
      ['dropped receipt', (b) => void b.receipts.splice(1, 1)],
      ['changed units', (b) => void (b.receipts[2]!.units += 1)],
      // More failures than are listed: the tile check's must keep its place (first) in the list.
      ['tampered tile and 60 duplicates', (b) => {
        tamperTile(b, 0);
        b.receipts.splice(1, 0, ...Array.from({ length: 60 }, () => structuredClone(b.receipts[1]!)));
      }],
      ['bad signature, tampered tile, dropped receipt', (b) => {
        b.signature = b.signature.slice(0, -2) + (b.signature.endsWith('AA') ? 'AB' : 'AA');
        tamperTile(b, 0);
        b.receipts.pop();
      }],
    ];
    const tileFailures: string[] = [];
    for (const [name, change] of variants) {
      const b = clone(compact);
      change(b);
      const expected = verifyUsageBundle(b, trust);
      for (const text of [asLines(b), JSON.stringify(b, null, 2)]) {
        const thread = startHashingThread();
        try {
          const reader = new UsageBundleLines({ ...trust, offload: thread });
          reader.text(text);
          expect(await reader.finishAsync(), name).toEqual(expected);
        } finally {
          await thread.close();
        }
      }
      expect(expected.valid, name).toBe(name === 'genuine');
      if (codes(expected).includes('TILES_INVALID')) tileFailures.push(name);
    }
    expect(tileFailures).toEqual(['tampered leaf tile', 'tampered top tile', 'tampered tile and 60 duplicates', 'bad signature, tampered tile, dropped receipt']);
  });

  it('signet-verify usage compiled to JavaScript (as npm run generate builds it) verifies with its worker', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'usage-proof-bin-'));
    await buildBins(join(dir, 'bin'));
    const tampered = clone(compact);
    tampered.tiles![0]!.hashes = Buffer.from(Buffer.from(tampered.tiles![0]!.hashes, 'base64').map((x, i) => (i === 0 ? x ^ 1 : x))).toString('base64');
    await writeFile(join(dir, 'jwks.json'), JSON.stringify(trust.jwks));
    await writeFile(join(dir, 'log.key'), trust.logKey);
    await writeFile(join(dir, 'bundle.json'), asLines(compact));
    await writeFile(join(dir, 'tampered.json'), asLines(tampered));
    const run = (bundle: string) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        const script = 'const { main } = await import(process.argv[1]); process.exitCode = await main(process.argv.slice(2));';
        const args = ['--input-type=module', '-e', script, pathToFileURL(join(dir, 'bin', 'signet-verify.mjs')).href, 'usage', join(dir, bundle), '--jwks', join(dir, 'jwks.json'), '--log-key', join(dir, 'log.key')];
        execFile(process.execPath, args, (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }));
      });
    const genuine = await run('bundle.json');
    expect(genuine).toEqual({ code: 0, stdout: expect.stringMatching(/VERIFIED\n$/), stderr: '' });
    expect(await run('tampered.json')).toMatchObject({ code: 1, stdout: expect.stringMatching(/INVALID: TILES_INVALID\n$/) });
  });

  it('signet-verify usage exits 0 when everything holds and 1 with the reason otherwise', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'usage-proof-'));
    await writeFile(join(dir, 'jwks.json'), JSON.stringify(trust.jwks));
    await writeFile(join(dir, 'log.key'), trust.logKey);
    await writeFile(join(dir, 'bundle.json'), await bundleText('bill-co', '?form=compact'));
    const tampered = clone(bundle);
    tampered.receipts.pop();
    await writeFile(join(dir, 'tampered.json'), JSON.stringify(tampered, null, 2));
    const logs: string[] = [];
    const original = console.log;
    console.log = (line: string) => void logs.push(line);
    try {
      expect(await signetVerify(['usage', join(dir, 'bundle.json'), '--jwks', join(dir, 'jwks.json'), '--log-key', join(dir, 'log.key')])).toBe(0);
      expect(logs.at(-1)).toMatch(/VERIFIED$/);
      expect(await signetVerify(['usage', join(dir, 'tampered.json'), '--jwks', join(dir, 'jwks.json'), '--log-key', `${api.url}/v1/log/key`])).toBe(1);
      expect(logs.at(-1)).toMatch(/\nINVALID: BATCH_ROOT_MISMATCH$/);
      expect(await signetVerify(['usage', join(dir, 'bundle.json'), '--jwks', join(dir, 'jwks.json')])).toBe(2);
    } finally {
      console.log = original;
    }
  });

  it('refuses a period that is not one of the tenant\'s, and calls without a key', async () => {
    const bad = await fetch(`${api.url}/v1/billing/usage-proof?period=2026-12-15`, { headers: { 'x-signet-api-key': keys['bill-co']! } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'PERIOD_INVALID' } });
    expect((await fetch(`${api.url}/v1/billing/usage-proof`)).status).toBe(401);
    const doc = await (await fetch(`${api.url}/openapi.json`)).json();
    expect(doc.paths['/v1/billing/usage-proof'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['period', 'form']));
  });
});

describe('closed periods and past terms', () => {
  it('never changes a closed period\'s statement after new usage', async () => {
    const nextMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 1, 2));
    const start = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1)).toISOString().slice(0, 10);
    const closed = await usageStatement('other-co', start, nextMonth);
    expect(await api.db.prisma.usageStatement.count({ where: { tenantId: 'other-co' } })).toBe(1);
    // Late usage lands in the same (already closed) period: the statement stays as it was signed.
    expect((await api.exchange(keys['other-co']!, exchange(200))).status).toBe(200);
    await sequence();
    const again = await usageStatement('other-co', start, new Date(nextMonth.getTime() + 86_400_000));
    expect(again).toEqual(closed);
    expect(again.statement.meters.vex.units).toBe(2);
    await expect(api.db.sql.query("UPDATE usage_statements SET document = '{}'")).rejects.toThrow(/immutable/);
  });

  it('rates a past period with the terms it ran under, the current one with today\'s', async () => {
    keys['terms-co'] = await api.tenantWithKey('terms-co'); // on Starter
    await usageStatement('terms-co', 'current'); // records the Starter terms
    // The Starter terms took effect two months ago; the tenant upgrades today.
    await api.db.sql.query("UPDATE tariff_versions SET effective_from = now() - interval '62 days' WHERE tenant_id = 'terms-co'");
    await api.db.sql.query("UPDATE tenants SET created_at = now() - interval '62 days' WHERE id = 'terms-co'");
    const quote = await quotePlanChange('terms-co', 'professional');
    await localProvider().startCheckout({ tenantId: 'terms-co', planId: 'professional', email: null, actor: { id: null, email: 'owner@terms-co.test', ip: null }, quote });
    const current = await usageStatement('terms-co', 'current');
    const previous = await usageStatement('terms-co', 'previous');
    expect(current.statement.tariff).toMatchObject({ plan: 'professional', fee: '1999', included: { vex: 100_000 } });
    expect(previous.statement.tariff).toMatchObject({ plan: 'starter', fee: '499', included: { vex: 10_000 } });
    expect(previous.statement.total).toBe('499.00');
    expect(current.statement.tariff.version).toBeGreaterThan(previous.statement.tariff.version);
  });
});
