// Every connection in this file goes to 127.0.0.1 or ::1 only.
import dns from 'node:dns';
import { isIP } from 'node:net';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { forwardPayload, pinnedLookup } from './forward';
import { evaluateForward, type AllowedForward, type Resolver } from './policy';
import { createTestPki, startHttpsServer, startSilentTcpServer, type LocalServer, type TestPki } from './testing/tls';

const HOST = 'partner.example.com';
const MIB = 1_048_576;
const PAYLOAD = JSON.stringify({ invoice_id: 'INV-1', amount_cents: 1250 });
const TAGS = { trace: 'trace-123', cid: `sha256:${'ab'.repeat(32)}` };

let pki: TestPki;
const servers: LocalServer[] = [];

beforeAll(() => {
  pki = createTestPki([HOST]);
});

// Guard: system lookups of names are answered by `answerNames` (default: fail), never by
// real DNS, and recorded, so a pinning regression shows up as a recorded name.
const realLookup = dns.lookup;
let nameLookups: string[];
let answerNames: string | null;

beforeEach(() => {
  nameLookups = [];
  answerNames = null;
  vi.spyOn(dns, 'lookup').mockImplementation(((host: string, options: unknown, callback: unknown) => {
    if (isIP(host)) return (realLookup as (...args: unknown[]) => void)(host, options, callback);
    nameLookups.push(host);
    const done = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
    if (answerNames === null) return done(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }));
    const family = isIP(answerNames);
    if (typeof options === 'object' && (options as { all?: boolean }).all) done(null, [{ address: answerNames, family }]);
    else done(null, answerNames, family);
  }) as typeof dns.lookup);
});

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(handler: Parameters<typeof startHttpsServer>[1], listen?: Parameters<typeof startHttpsServer>[2]) {
  const server = await startHttpsServer(pki, handler, listen);
  servers.push(server);
  return server;
}

function pinnedDecision(port: number, address = '127.0.0.1', host = HOST, path = '/hook'): AllowedForward {
  return { allowed: true, url: `https://${host}:${port}${path}`, host, port, addresses: [address] };
}

describe('forwardPayload over a pinned connection', () => {
  it('delivers the payload to the pinned address with TLS verified for the original host', async () => {
    const server = await serve((_req, res) => res.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}'));
    const decision = pinnedDecision(server.port, '127.0.0.1', HOST, '/hook?source=signet');

    const outcome = await forwardPayload(decision, PAYLOAD, TAGS, { ca: pki.ca });

    expect(outcome).toEqual({
      url: decision.url,
      host: HOST,
      status_code: 201,
      pinned_ip: '127.0.0.1',
      response_size: '{"ok":true}'.length,
    });
    expect(server.requests).toHaveLength(1);
    const [received] = server.requests;
    expect(received).toMatchObject({ method: 'POST', url: '/hook?source=signet', body: PAYLOAD, servername: HOST });
    expect(received!.headers).toMatchObject({
      host: `${HOST}:${server.port}`,
      'content-type': 'application/json',
      'x-signet-trace': TAGS.trace,
      'x-signet-cid': TAGS.cid,
    });
    expect(nameLookups).toEqual([]);
  });

  it('pins an IPv6 address', async () => {
    const server = await serve((_req, res) => res.end('ok'), { host: '::1' });
    const outcome = await forwardPayload(pinnedDecision(server.port, '::1'), PAYLOAD, TAGS, { ca: pki.ca });
    expect(outcome).toMatchObject({ status_code: 200, pinned_ip: '::1', response_size: 2 });
  });

  it('fails TLS when the certificate does not name the host', async () => {
    const server = await serve((_req, res) => res.end('ok'));
    const decision = pinnedDecision(server.port, '127.0.0.1', 'other.example.com');
    const outcome = await forwardPayload(decision, PAYLOAD, TAGS, { ca: pki.ca });
    expect(outcome).toEqual({ url: decision.url, host: 'other.example.com', error: 'tls: certificate does not match host' });
    expect(server.requests).toHaveLength(0);
  });

  it('fails TLS when the certificate chains to an untrusted CA', async () => {
    const server = await serve((_req, res) => res.end('ok'));
    const decision = pinnedDecision(server.port);
    const outcome = await forwardPayload(decision, PAYLOAD, TAGS);
    expect(outcome).toEqual({ url: decision.url, host: HOST, error: 'tls: untrusted certificate' });
    expect(server.requests).toHaveLength(0);
  });

  it('never looks the name up again: a rebound DNS answer is not dialled', async () => {
    const pinned = await serve((_req, res) => res.end('pinned'));
    // A decoy for the rebound answer, same port on ::1; any name lookup now answers ::1.
    const decoy = await serve((_req, res) => res.end('decoy'), { host: '::1', port: pinned.port });
    answerNames = '::1';

    const outcome = await forwardPayload(pinnedDecision(pinned.port), PAYLOAD, TAGS, { ca: pki.ca });

    expect(outcome).toMatchObject({ status_code: 200, pinned_ip: '127.0.0.1', response_size: 'pinned'.length });
    expect(pinned.requests).toHaveLength(1);
    expect(decoy.connections).toBe(0);
    expect(nameLookups).toEqual([]);
  });

  it('does not follow redirects', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/hook') res.writeHead(302, { location: `https://${HOST}:${server.port}/elsewhere` }).end('moved');
      else res.end('followed');
    });
    const outcome = await forwardPayload(pinnedDecision(server.port), PAYLOAD, TAGS, { ca: pki.ca });
    expect(outcome).toMatchObject({ status_code: 302, response_size: 'moved'.length });
    expect(server.requests.map((r) => r.url)).toEqual(['/hook']);
  });

  it('accepts a response of exactly 1 MiB', async () => {
    const server = await serve((_req, res) => res.end(Buffer.alloc(MIB, 'a')));
    const outcome = await forwardPayload(pinnedDecision(server.port), PAYLOAD, TAGS, { ca: pki.ca });
    expect(outcome).toMatchObject({ status_code: 200, response_size: MIB });
  });

  it('aborts an endless response once it passes 1 MiB', async () => {
    let written = 0;
    const server = await serve((_req, res) => {
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) written += chunk.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      res.writeHead(200);
      pump();
    });
    const decision = pinnedDecision(server.port);
    const outcome = await forwardPayload(decision, PAYLOAD, TAGS, { ca: pki.ca, totalTimeoutMs: 20_000 });
    expect(outcome).toEqual({ url: decision.url, host: HOST, error: `response exceeded ${MIB} bytes` });
    expect(written).toBeLessThan(20 * MIB);
  });

  it('refuses a response whose declared length is over the cap without reading it', async () => {
    const server = await serve((_req, res) => res.writeHead(200, { 'content-length': String(MIB + 1) }).end(Buffer.alloc(MIB + 1)));
    const outcome = await forwardPayload(pinnedDecision(server.port), PAYLOAD, TAGS, { ca: pki.ca });
    expect(outcome).toMatchObject({ error: `response exceeded ${MIB} bytes` });
  });

  it('times out a server that never answers', async () => {
    const server = await serve(() => {});
    const started = Date.now();
    const outcome = await forwardPayload(pinnedDecision(server.port), PAYLOAD, TAGS, { ca: pki.ca, totalTimeoutMs: 300 });
    expect(outcome).toMatchObject({ error: 'timeout' });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('times out a server that trickles its body past the total timeout', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200);
      const tick = setInterval(() => (res.destroyed ? clearInterval(tick) : res.write('.')), 50);
    });
    const outcome = await forwardPayload(pinnedDecision(server.port), PAYLOAD, TAGS, { ca: pki.ca, totalTimeoutMs: 400 });
    expect(outcome).toMatchObject({ error: 'timeout' });
  });

  it('reports a connect timeout when the TLS handshake never completes', async () => {
    const silent = await startSilentTcpServer();
    servers.push(silent);
    const started = Date.now();
    const outcome = await forwardPayload(pinnedDecision(silent.port), PAYLOAD, TAGS, {
      ca: pki.ca,
      connectTimeoutMs: 200,
      totalTimeoutMs: 5_000,
    });
    expect(outcome).toMatchObject({ error: 'connect timeout' });
    expect(silent.connections).toBe(1);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reports a refused connection', async () => {
    const closed = await startSilentTcpServer();
    await closed.close();
    const outcome = await forwardPayload(pinnedDecision(closed.port), PAYLOAD, TAGS, { ca: pki.ca });
    expect(outcome).toMatchObject({ error: 'connection refused' });
  });
});

describe('policy then forward', () => {
  it('opens no connection when the name resolves to loopback', async () => {
    const server = await serve((_req, res) => res.end('should not be reached'));
    let resolutions = 0;
    const resolver: Resolver = async () => {
      resolutions += 1;
      return ['127.0.0.1'];
    };
    const decision = await evaluateForward(`https://${HOST}:${server.port}/hook`, [`${HOST}:${server.port}`], resolver);
    if (decision.allowed) await forwardPayload(decision, PAYLOAD, TAGS, { ca: pki.ca });

    expect(decision).toMatchObject({ allowed: false, code: 'HEL_RESOLVED_LOOPBACK' });
    expect(resolutions).toBe(1);
    expect(server.connections).toBe(0);
  });
});

describe('pinnedLookup', () => {
  it('answers every name with the pinned address, in both callback shapes', () => {
    const lookup = pinnedLookup('2606:4700::1');
    const single = vi.fn();
    const all = vi.fn();
    lookup('anything.example', { family: 0 }, single);
    lookup('anything.example', { all: true }, all);
    expect(single).toHaveBeenCalledWith(null, '2606:4700::1', 6);
    expect(all).toHaveBeenCalledWith(null, [{ address: '2606:4700::1', family: 6 }]);
  });

  it('rejects a non-IP', () => {
    expect(() => pinnedLookup('partner.example.com')).toThrow('is not an IP address');
  });
});
