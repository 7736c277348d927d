// Bundles with a `log` field (SPEC §7) built by the independent naive log of testing/naive-log.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signedBundle, signedChain, testSigner } from '../receipts/fixtures';
import { NaiveLog, naiveKey } from './testing/naive-log';
import { consistencyNeeded, verifyBundleLog } from './verify-log';

const signer = testSigner();
const chain = signedChain(3, signer);
const bundle = signedBundle(chain, signer);
const w1 = naiveKey('witness.one/w', 0x04, 11);
const w2 = naiveKey('witness.two/w', 0x04, 12);

/** A log with 5 unrelated entries, hops 1 and 2, then 3 more; hop 3 arrives later. */
function buildLog(witnesses = [w1, w2]) {
  const log = new NaiveLog('signet.test/v1/log', witnesses);
  for (let i = 0; i < 5; i++) log.tree.append(`sha256:${String(i).repeat(64)}`);
  log.tree.append(chain[0]!.receipt_hash);
  log.tree.append(chain[1]!.receipt_hash);
  for (let i = 5; i < 8; i++) log.tree.append(`sha256:${String(i).repeat(64)}`);
  return log;
}
const log = buildLog();
const sizeBefore = log.size;
log.tree.append(chain[2]!.receipt_hash);
const policy = { logKey: log.key.vkey, witnesses: [w1.vkey, w2.vkey] };
const withLog = (l: unknown) => ({ ...bundle, log: l });

describe('verifyBundleLog', () => {
  it('reports each hop included at its index, the checkpoint verified and 2 of 2 witnesses', () => {
    const report = verifyBundleLog(withLog(log.bundleLog(chain)), policy);
    expect(report).toMatchObject({ present: true, valid: true, fork: false, signature: { status: 'verified', key: `signet.test/v1/log+${log.key.keyId.toString('hex')}` } });
    expect(report.checkpoint).toEqual({ origin: 'signet.test/v1/log', size: 11, root: log.tree.root().toString('base64') });
    expect(report.hops.map((h) => [h.hop, h.status, h.leaf_index])).toEqual([[1, 'included', 5], [2, 'included', 6], [3, 'included', 10]]);
    expect(report.witnesses).toMatchObject({ required: 2, cosigned: 2, list: [{ name: 'witness.one/w', status: 'cosigned', timestamp: 1_790_000_000 }, { name: 'witness.two/w', status: 'cosigned' }] });
    expect(report.latest).toBe(log.checkpoint());
  });

  it('says a bundle without log was not checked', () => {
    expect(verifyBundleLog(bundle, policy)).toMatchObject({ present: false, valid: true, hops: [] });
  });

  it('reports a hop not yet sequenced as not in the log, without failing', () => {
    const report = verifyBundleLog(withLog(log.bundleLog(chain, sizeBefore)), policy);
    expect(report.valid).toBe(true);
    expect(report.hops.map((h) => h.status)).toEqual(['included', 'included', 'not-in-log']);
  });

  it('names the hop whose inclusion proof was tampered with', () => {
    const l = log.bundleLog(chain);
    const hash = Buffer.from(l.proofs[1]!.hashes[2]!, 'base64');
    hash[0]! ^= 1;
    l.proofs[1]!.hashes[2] = hash.toString('base64');
    const report = verifyBundleLog(withLog(l), policy);
    expect(report.valid).toBe(false);
    expect(report.hops[1]).toMatchObject({ status: 'invalid', leaf_index: 6 });
    expect(report.failures).toEqual([{ code: 'INCLUSION_INVALID', message: expect.stringMatching(/^hop 2: inclusion proof at index 6 in the tree of size 11: proof leads to root .* not the checkpoint's root/) }]);
    const moved = log.bundleLog(chain);
    moved.proofs[0]!.leaf_index = 4;
    expect(verifyBundleLog(withLog(moved), policy).failures[0]).toMatchObject({ code: 'INCLUSION_INVALID', message: expect.stringMatching(/^hop 1: inclusion proof at index 4/) });
  });

  it('refuses a checkpoint under another log key, and one missing a required witness', () => {
    const other = new NaiveLog('signet.test/v1/log', [w1, w2], 0x43);
    expect(verifyBundleLog(withLog(log.bundleLog(chain)), { ...policy, logKey: other.key.vkey }).failures[0]).toEqual({
      code: 'LOG_SIGNATURE_INVALID',
      message: `log.checkpoint: no signature by the log key signet.test/v1/log+${other.key.keyId.toString('hex')}`,
    });
    const oneWitness = buildLog([w1]);
    oneWitness.tree.append(chain[2]!.receipt_hash);
    const report = verifyBundleLog(withLog(oneWitness.bundleLog(chain)), policy);
    expect(report.witnesses.list.map((w) => w.status)).toEqual(['cosigned', 'missing']);
    expect(report.failures).toEqual([{ code: 'WITNESS_QUORUM', message: 'log.checkpoint: cosigned by 1 of the 2 required witness(es)' }]);
    expect(verifyBundleLog(withLog(oneWitness.bundleLog(chain)), { ...policy, witnessesRequired: 1 }).valid).toBe(true);
  });

  it('property: any change to the checkpoint text breaks the log signature', () => {
    const l = log.bundleLog(chain);
    fc.assert(
      fc.property(fc.nat({ max: 1000 }), (size) => {
        fc.pre(size !== 11);
        const forged = l.checkpoint.replace('\n11\n', `\n${size}\n`);
        const report = verifyBundleLog(withLog({ ...l, checkpoint: forged }), policy);
        expect(report.signature.status).toBe('invalid');
        expect(report.valid).toBe(false);
      }),
      { numRuns: 50 },
    );
  });

  it('accepts a later checkpoint consistent with the one seen earlier, and reports a fork otherwise', () => {
    const trusted = log.checkpoint(sizeBefore);
    const current = withLog(log.bundleLog(chain));
    expect(consistencyNeeded(current, trusted)).toEqual({ from: sizeBefore, to: 11 });
    const good = verifyBundleLog(current, { ...policy, trustedCheckpoint: trusted, consistencyProof: log.consistencyProof(sizeBefore, 11) });
    expect(good).toMatchObject({ valid: true, fork: false, consistency: { status: 'consistent', trusted: { size: sizeBefore } }, latest: log.checkpoint() });
    expect(verifyBundleLog(current, { ...policy, trustedCheckpoint: log.checkpoint() })).toMatchObject({ valid: true, consistency: { status: 'same' } });
    expect(verifyBundleLog(current, { ...policy, trustedCheckpoint: trusted })).toMatchObject({ valid: true, consistency: { status: 'unavailable' }, latest: null });

    // The same log key signs a different history of the same size: a split view.
    const forked = buildLog();
    forked.tree.append('sha256:' + 'f'.repeat(64));
    const fork = verifyBundleLog(current, { ...policy, trustedCheckpoint: forked.checkpoint() });
    expect(fork).toMatchObject({ valid: false, fork: true, consistency: { status: 'fork', trusted: { size: 11, root: forked.tree.root().toString('base64') } } });
    expect(fork.failures[0]!.message).toMatch(/^fork: the checkpoint seen earlier \(size 11, root .*\) and the bundle's \(size 11, root .*\) are not consistent: two different roots for the same size 11/);

    // A smaller fork: the proof the honest log serves does not lead to the forked root.
    const earlyFork = new NaiveLog('signet.test/v1/log', [w1, w2]);
    for (let i = 0; i < 6; i++) earlyFork.tree.append(`sha256:${'e'.repeat(63)}${i}`);
    const r = verifyBundleLog(current, { ...policy, trustedCheckpoint: earlyFork.checkpoint(), consistencyProof: log.consistencyProof(6, 11) });
    expect(r).toMatchObject({ fork: true, consistency: { status: 'fork' } });
    expect(verifyBundleLog(current, { ...policy, trustedCheckpoint: earlyFork.checkpoint(), consistencyProof: log.consistencyProof(5, 11) }).failures[0]!.code).toBe('LOG_MALFORMED');
  });

  it.each([
    ['a log that is not an object', 'x', /bundle field 'log' is not an object/],
    ['a checkpoint that is not one', { checkpoint: 'nope', proofs: [] }, /log.checkpoint: checkpoint text does not end with a newline/],
    ['a proof for a hop not in the chain', null, /a proof for hop 9, which is not in the chain/],
  ])('names %s', (_name, value, message) => {
    const l = value ?? { ...log.bundleLog(chain), proofs: [...log.bundleLog(chain).proofs, { hop: 9, leaf_index: 0, hashes: [] }] };
    const report = verifyBundleLog(withLog(l), policy);
    expect(report.valid).toBe(false);
    expect(report.failures.map((f) => f.message).join('\n')).toMatch(message);
  });
});
