import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwksOf, signedBundle, signedChain, testSigner } from './fixtures';

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
