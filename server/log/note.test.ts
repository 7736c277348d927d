// Signed notes, vkeys, checkpoints and cosignatures against published vectors
// (../shared/reference/README.md, C2SP signed-note) and an in-test re-derivation.
import { createHash, createPrivateKey, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT } from './merkle';
import { checkpointText, cosignedMessage, keyId, noteSigner, noteText, parseVkey, publicKeyObject, signedNote, verifiedCosignature, vkey, SIG_COSIGNATURE } from './note';

describe('signed notes', () => {
  it('reproduce the Go reference signed-note vector byte for byte', () => {
    // golang.org/x/mod/sumdb/note's documented example key and note.
    const skey = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
    const material = Buffer.from(skey.split('+').slice(4).join('+'), 'base64');
    expect(material[0]).toBe(0x01);
    const signer = noteSigner('PeterNeumann', new Uint8Array(material.subarray(1)));
    expect(signer.vkey).toBe('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
    const text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    const line = signer.signatureLine(text);
    expect(line).toBe('— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n');
    expect(signedNote(text, [line])).toBe(`${text}\n${line}`);
    expect(noteText(signedNote(text, [line]))).toBe(text);
  });

  it('parse the C2SP signed-note example vkey and verify its example note', () => {
    const k = parseVkey('example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k');
    expect(k.name).toBe('example.com/foo');
    const sig = Buffer.from('Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=', 'base64');
    expect(sig.subarray(0, 4).equals(k.keyId)).toBe(true);
    expect(verify(null, Buffer.from('This is an example message.\n'), publicKeyObject(k.publicKey), sig.subarray(4))).toBe(true);
    expect(() => parseVkey('example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k')).toThrow(/key id/);
    // The base64 part may hold '+' itself.
    expect(parseVkey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW').name).toBe('PeterNeumann');
    const signer = Array.from({ length: 64 }, (_, i) => noteSigner('n', new Uint8Array(32).fill(i))).find((s) => s.vkey.split('+').length > 3)!;
    expect(Buffer.from(parseVkey(signer.vkey).publicKey).equals(signer.publicKey)).toBe(true);
  });

  it('key ids are SHA-256(name || 0x0A || type || key)[:4]', () => {
    const pub = new Uint8Array(32).fill(7);
    const expected = createHash('sha256').update('w.example/1\n').update(Uint8Array.of(4)).update(pub).digest().subarray(0, 4);
    expect(Buffer.from(keyId('w.example/1', 4, pub)).equals(expected)).toBe(true);
  });

  it('checkpoint text is origin, size, base64 root, each newline-terminated', () => {
    expect(checkpointText('log.example/v1/log', 0, EMPTY_ROOT)).toBe('log.example/v1/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n');
  });
});

describe('cosignatures', () => {
  // An independent cosigner: the signed message and line built here from tlog-cosignature's text.
  const seed = new Uint8Array(32).fill(9);
  const priv = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
  const pub = new Uint8Array(Buffer.from(priv.export({ format: 'jwk' }).x!, 'base64url'));
  const name = 'witness.example/w1';
  const id = createHash('sha256').update(`${name}\n`).update(Uint8Array.of(4)).update(pub).digest().subarray(0, 4);
  const text = checkpointText('log.example/v1/log', 5, new Uint8Array(32).fill(1));
  const cosign = (t: bigint, body = text) => {
    const ts = Buffer.alloc(8);
    ts.writeBigUInt64BE(t);
    const sig = sign(null, Buffer.from(`cosignature/v1\ntime ${t}\n${body}`), priv);
    return `— ${name} ${Buffer.concat([id, ts, sig]).toString('base64')}`;
  };

  it('accepts a valid line from the configured witness and ignores others', () => {
    const w = parseVkey(vkey(name, SIG_COSIGNATURE, pub));
    expect(cosignedMessage(text, 1_700_000_000n).toString()).toBe(`cosignature/v1\ntime 1700000000\n${text}`);
    const line = cosign(1_700_000_000n);
    expect(verifiedCosignature(w, text, `— other.example/w ${'A'.repeat(100)}\n${line}\n`)).toBe(`${line}\n`);
    expect(verifiedCosignature(w, text, `${cosign(1_700_000_000n, checkpointText('log.example/v1/log', 6, new Uint8Array(32).fill(1)))}\n`)).toBeNull();
    expect(verifiedCosignature(w, text, `${cosign(0n)}\n`)).toBeNull();
    expect(verifiedCosignature(parseVkey(vkey(name, 1, pub)), text, `${line}\n`)).toBeNull();
  });
});
