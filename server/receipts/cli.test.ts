import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cid } from './canonical';
import { jwksOf, signedBundle, signedChain, sr1Chain, testSigner } from './fixtures';

const BIN = fileURLToPath(new URL('../../bin/signet-verify.js', import.meta.url));
const signer = testSigner();
const bundle = signedBundle(signedChain(3, signer), signer);
const jwks = jwksOf(signer);

function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], (error, stdout, stderr) => {
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

describe('signet-verify CLI', () => {
  let dir: string;
  let server: Server;
  let jwksUrl: string;
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'signet-verify-'));
    server = createServer((req, res) => {
      if (req.url !== '/.well-known/jwks.json') return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });

  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0 and summarizes each hop for a valid bundle', async () => {
    const result = await run(file('ok.json', bundle), '--jwks', file('jwks.json', jwks));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/hop 1\s+VALID\s+kid test-key-1/);
    expect(result.stdout).toMatch(/hop 3\s+VALID/);
    expect(result.stdout).toContain('bundle: cid ok, signature ok (kid test-key-1)');
    expect(result.stdout.trim().split('\n').at(-1)).toBe('VALID');
  });

  it('exits 1 for a tampered bundle and names the hop', async () => {
    const tampered = structuredClone(bundle);
    tampered.chain[1]!.tenant = 'mallory';
    const result = await run(file('bad.json', tampered), '--jwks', file('jwks.json', jwks));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/hop 2\s+INVALID\s+RECEIPT_HASH_MISMATCH/);
    expect(result.stdout).toContain('INVALID: RECEIPT_HASH_MISMATCH: hop 2: receipt_hash is sha256:');
  });

  it('fetches the JWKS from a URL and can print the report as JSON', async () => {
    const result = await run(file('ok.json', bundle), '--jwks', jwksUrl, '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ valid: true, unsigned: 0, bundle: { cidValid: true, signatureValid: true } });
  });

  it('verifies a bare receipt array as a chain', async () => {
    const result = await run(file('chain.json', bundle.chain), '--jwks', file('jwks.json', jwks));
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('bundle:');
  });

  it('exits 4 for an UNSIGNED chain, saying what it does and does not prove, and 0 with --allow-unsigned', async () => {
    const chain = file('sr1.json', sr1Chain(2));
    const jwksFile = file('jwks.json', jwks);
    const result = await run(chain, '--jwks', jwksFile);
    expect(result.code).toBe(4);
    expect(result.stdout).toMatch(/hop 1\s+UNSIGNED\s+no kid\/sig/);
    expect(result.stdout).toContain('not who issued it');
    expect(result.stdout.trim().split('\n').at(-1)).toBe('UNSIGNED');
    expect((await run(chain, '--jwks', jwksFile, '--allow-unsigned')).code).toBe(0);
  });

  it('exits 1 for an unsigned receipt in a signed chain, even with --allow-unsigned', async () => {
    const chain = structuredClone(bundle.chain);
    delete chain[2]!.kid;
    delete chain[2]!.sig;
    const { receipt_hash: _old, ...body } = chain[2]!;
    chain[2]!.receipt_hash = cid(body); // a forger recomputes the hash
    const result = await run(file('mixed.json', chain), '--jwks', file('jwks.json', jwks), '--allow-unsigned');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('INVALID: SIGNATURE_MISSING: hop 3: has no kid/sig, but hop 1 of this chain is signed');
  });

  it('exits 1 for duplicate keys and unknown fields, naming them', async () => {
    const jwksFile = file('jwks.json', jwks);
    const duplicate = JSON.stringify(bundle).replace('"tenant":', '"tenant":"acme","tenant":');
    const dup = await run(file('dup.json', duplicate), '--jwks', jwksFile);
    expect(dup.code).toBe(1);
    expect(dup.stdout).toContain('INVALID: DUPLICATE_KEY: hop 1: key "tenant" occurs more than once in the receipt');
    const extra = await run(file('extra.json', { ...bundle, comment: 'hi' }), '--jwks', jwksFile);
    expect(extra.code).toBe(1);
    expect(extra.stdout).toContain('INVALID: UNKNOWN_FIELD: bundle: field "comment" is not a bundle field');
    const dupJwks = await run(file('ok.json', bundle), '--jwks', file('dup-jwks.json', JSON.stringify(jwks).replace('"x":', '"x":"AAAA","x":')));
    expect(dupJwks).toMatchObject({ code: 2, stderr: expect.stringContaining('key "x" occurs more than once in the object at $.keys[0]') });
  });

  it('refuses a JWKS over plain http except from loopback, unless --insecure-jwks', async () => {
    const bundleFile = file('ok.json', bundle);
    const remote = await run(bundleFile, '--jwks', 'http://keys.example.com/.well-known/jwks.json');
    expect(remote).toMatchObject({ code: 2, stderr: expect.stringMatching(/refusing to fetch the JWKS over plain http from keys\.example\.com/) });
    const tricky = await run(bundleFile, '--jwks', 'http://127.0.0.1.nip.io/.well-known/jwks.json');
    expect(tricky.stderr).toMatch(/refusing to fetch the JWKS over plain http/);
    const insecure = await run(bundleFile, '--jwks', 'http://keys.invalid/.well-known/jwks.json', '--insecure-jwks');
    expect(insecure).toMatchObject({ code: 2, stderr: expect.stringMatching(/cannot fetch JWKS from http:\/\/keys\.invalid/) });
    expect((await run(bundleFile, '--jwks', jwksUrl.replace('127.0.0.1', 'localhost'))).code).toBe(0);
  });

  it.each([
    ['no arguments', [], /missing the bundle file/],
    ['no --jwks', ['x.json'], /missing --jwks/],
    ['an unknown option', ['x.json', '--jwks', 'j.json', '--fast'], /Unknown option '--fast'/],
  ])('exits 2 with usage for %s', async (_name, args, message) => {
    const result = await run(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('usage: signet-verify');
  });

  it('exits 2 for unreadable or non-JSON input and unreachable JWKS', async () => {
    const jwksFile = file('jwks.json', jwks);
    expect((await run(join(dir, 'missing.json'), '--jwks', jwksFile)).stderr).toMatch(/ENOENT/);
    const notJson = await run(file('text.json', 'not json'), '--jwks', jwksFile);
    expect(notJson).toMatchObject({ code: 2, stderr: expect.stringMatching(/text\.json is not valid JSON/) });
    const notFound = await run(file('ok.json', bundle), '--jwks', jwksUrl.replace('jwks.json', 'nope'));
    expect(notFound).toMatchObject({ code: 2, stderr: expect.stringMatching(/HTTP 404/) });
  });
});
