// signed-note, tlog-checkpoint and cosignature/v1, pinned by the published vectors
// (reference/README.md, c2sp/signed-note.md) and by the independent node:crypto signer in testing/.
import { describe, expect, it } from 'vitest';
import { parseCheckpoint, formatCheckpoint } from './checkpoint';
import { cosign, cosignatureMessage, findCosignature, verifyCosignature } from './cosignature';
import { decodeBase64 } from './base64';
import { computeKeyId, formatSignerKey, formatVerifierKey, parseNote, parseSignerKey, parseVerifierKey, SIG_COSIGNATURE_V1, SIG_ED25519, signerFromSeed, signNote, verifyNote } from './note';
import { checkpointText, cosignatureLine, naiveKey, noteSignatureLine } from './testing/naive-log';

// golang.org/x/mod/sumdb/note's documented example (shared/reference/README.md).
const VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const SIGNATURE_LINE = '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';

const ok = <T>(r: { ok: true; value: T } | { ok: false; reason: string }): T => {
  if (!r.ok) throw new Error(r.reason);
  return r.value;
};

describe('signed-note', () => {
  it('reproduces the Go reference vector byte for byte', () => {
    const signer = ok(parseSignerKey(SKEY));
    expect(signer.keyId).toBe('c74f20a3');
    const signed = signNote(TEXT, signer);
    expect(signed).toBe(`${TEXT}\n${SIGNATURE_LINE}`);
    expect(formatVerifierKey(signer.name, SIG_ED25519, signer.publicKey)).toBe(VKEY);
    const seed = decodeBase64(SKEY.split('+').slice(4).join('+'))!.subarray(1);
    expect(formatSignerKey('PeterNeumann', SIG_ED25519, seed)).toBe(SKEY);
  });

  it('verifies the vector and the C2SP example; ignores unknown keys; rejects a bad known signature', () => {
    const key = ok(parseVerifierKey(VKEY));
    expect(verifyNote(`${TEXT}\n${SIGNATURE_LINE}`, [key])).toMatchObject({ ok: true, note: { text: TEXT } });
    const example = ok(parseVerifierKey('example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'));
    const exampleNote = 'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
    expect(verifyNote(exampleNote, [example]).ok).toBe(true);
    // Another note's signature line appended: unknown key, ignored.
    expect(verifyNote(`${TEXT}\n${SIGNATURE_LINE}${exampleNote.split('\n\n')[1]}`, [key]).ok).toBe(true);
    expect(verifyNote(exampleNote, [key])).toMatchObject({ ok: false, reason: expect.stringMatching(/no signature from a trusted key \(PeterNeumann\+c74f20a3\)/) });
    const tampered = `${TEXT.replace('answer', 'Answer')}\n${SIGNATURE_LINE}`;
    expect(verifyNote(tampered, [key])).toMatchObject({ ok: false, reason: 'the signature of PeterNeumann (key c74f20a3) does not verify over the note text' });
  });

  it('computes key ids as SHA-256(name || 0x0A || type || key)[:4], as the independent implementation does', () => {
    const naive = naiveKey('witness.example/w1', 0x04, 7);
    expect(computeKeyId('witness.example/w1', SIG_COSIGNATURE_V1, naive.publicKey)).toBe(naive.keyId.toString('hex'));
    expect(ok(parseVerifierKey(naive.vkey))).toMatchObject({ name: 'witness.example/w1', type: SIG_COSIGNATURE_V1, keyId: naive.keyId.toString('hex') });
  });

  it.each([
    ['no blank line', 'text\n— a AAAAAAA=\n', /no blank line/],
    ['no final newline', `${TEXT}\n${SIGNATURE_LINE.trimEnd()}`, /does not end with a newline/],
    ['a control character', `a\tb\n\n${SIGNATURE_LINE}`, /control character U\+0009 at offset 1/],
    ['a malformed signature line', `${TEXT}\n- PeterNeumann AAAA\n`, /signature line 1: not "— <key name>/],
    ['a non-canonical base64 signature', `${TEXT}\n— PeterNeumann x08go/Z=\n`, /signature of PeterNeumann is not canonical padded base64/],
  ])('refuses a note with %s, naming it', (_name, note, reason) => {
    expect(parseNote(note)).toMatchObject({ ok: false, reason: expect.stringMatching(reason) });
  });

  it.each([
    ['a wrong key id', VKEY.replace('c74f20a3', 'c74f20a4'), /claims key id c74f20a4, its key hashes to c74f20a3/],
    ['an unsupported type', 'x+00000000+AhpjZA==', /signature type 0x02/],
    ['two parts', 'name+AAAA', /is not <name>\+<key id>\+<key>/],
    ['a short key', 'x+00000000+AQID', /2-byte public key/],
  ])('refuses a vkey with %s', (_name, vkey, reason) => {
    expect(parseVerifierKey(vkey)).toMatchObject({ ok: false, reason: expect.stringMatching(reason) });
  });
});

describe('tlog-checkpoint', () => {
  it('parses the C2SP example and round-trips', () => {
    const text = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
    const cp = ok(parseCheckpoint(text));
    expect(cp).toMatchObject({ origin: 'example.com/behind-the-sofa', size: 20852163, rootBase64: 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', extensions: [] });
    expect(formatCheckpoint(cp.origin, cp.size, cp.root)).toBe(text);
  });

  it.each([
    ['two lines', 'o\n1\n', /has 2 line\(s\)/],
    ['a leading zero', 'o\n01\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n', /not a decimal without leading zeros/],
    ['a short root', 'o\n1\nAAAA\n', /not base64 of 32 bytes/],
    ['an empty extension', 'o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\next\n\n', /extension line 5 is empty/],
    ['no final newline', 'o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', /does not end with a newline/],
  ])('refuses a checkpoint with %s', (_name, text, reason) => {
    expect(parseCheckpoint(text)).toMatchObject({ ok: false, reason: expect.stringMatching(reason) });
  });
});

describe('cosignature/v1', () => {
  const text = checkpointText('signet.test/v1/log', 12, Buffer.alloc(32, 9));

  it('signs the message the spec fixes, byte for byte as an independent node:crypto implementation does', () => {
    expect(new TextDecoder().decode(cosignatureMessage(text, 1679315147))).toBe(`cosignature/v1\ntime 1679315147\n${text}`);
    const seed = new Uint8Array(32).fill(7);
    const signer = signerFromSeed('witness.example/w1', SIG_COSIGNATURE_V1, seed);
    // Ed25519 is deterministic: both implementations must produce the very same line.
    expect(cosign(text, signer, 1679315147)).toBe(cosignatureLine(naiveKey('witness.example/w1', 0x04, 7), text, 1679315147));
  });

  it('verifies an independent cosignature and refuses it over another checkpoint or time', () => {
    const naive = naiveKey('witness.example/w1', 0x04, 7);
    const key = ok(parseVerifierKey(naive.vkey));
    const note = ok(parseNote(`${text}\n${cosignatureLine(naive, text, 1_700_000_000)}`));
    expect(verifyCosignature(text, note.signatures[0]!, key)).toEqual({ ok: true, timestamp: 1_700_000_000 });
    const other = checkpointText('signet.test/v1/log', 13, Buffer.alloc(32, 9));
    expect(verifyCosignature(other, note.signatures[0]!, key)).toMatchObject({ ok: false, reason: expect.stringMatching(/does not verify over the checkpoint/) });
    const shifted = Uint8Array.from(note.signatures[0]!.signature);
    shifted[7]! ^= 1;
    expect(verifyCosignature(text, { ...note.signatures[0]!, signature: shifted }, key)).toMatchObject({ ok: false, timestamp: 1_700_000_001 });
    // A plain note signature (no timestamp) is not a cosignature.
    const plain = ok(parseNote(`${text}\n${noteSignatureLine(naive, text)}`));
    expect(verifyCosignature(text, plain.signatures[0]!, key)).toMatchObject({ ok: false, reason: expect.stringMatching(/is 68 bytes, cosignature\/v1 has 76/) });
  });

  it("picks the configured witness's valid line out of a witness's answer", () => {
    const naive = naiveKey('witness.example/w1', 0x04, 7);
    const key = ok(parseVerifierKey(naive.vkey));
    const line = cosignatureLine(naive, text, 1_700_000_000);
    const stranger = cosignatureLine(naiveKey('witness.example/w2', 0x04, 8), text, 1_700_000_000);
    expect(findCosignature(text, key, `${stranger}${line}`)).toBe(line);
    expect(findCosignature(text, key, stranger)).toBeNull();
    expect(findCosignature(checkpointText('signet.test/v1/log', 13, Buffer.alloc(32, 9)), key, line)).toBeNull();
    expect(findCosignature(text, key, 'not a signature line\n')).toBeNull();
  });
});
