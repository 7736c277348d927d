// Test support: a throwaway CA and server certificate made with the openssl CLI, and local
// HTTPS/TCP servers on 127.0.0.1 that count connections. Used only by *.test.ts files.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestPki {
  /** PEM of the CA that signed `cert`; pass as `ca` to trust it. */
  ca: string;
  cert: string;
  key: string;
}

/** Creates a CA and a server certificate for `dnsNames` (SAN) in a temp dir, then deletes it. */
export function createTestPki(dnsNames: string[]): TestPki {
  const dir = mkdtempSync(path.join(tmpdir(), 'signet-pki-'));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    openssl('req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2',
      '-subj', '/CN=Signet Test CA', '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    openssl('req', ...ec, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', `/CN=${dnsNames[0]}`);
    writeFileSync(file('ext.cnf'), [
      `subjectAltName=${dnsNames.map((name) => `DNS:${name}`).join(',')}`,
      'extendedKeyUsage=serverAuth',
      'basicConstraints=CA:FALSE',
    ].join('\n'));
    openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'),
      '-CAcreateserial', '-out', file('server.pem'), '-days', '2', '-extfile', file('ext.cnf'));
    return {
      ca: readFileSync(file('ca.pem'), 'utf8'),
      cert: readFileSync(file('server.pem'), 'utf8'),
      key: readFileSync(file('server.key'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  servername: string | false;
}

export interface LocalServer {
  port: number;
  /** TCP connections accepted so far. */
  readonly connections: number;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

type Handler = (request: ReceivedRequest, response: ServerResponse) => void;

interface Listen {
  /** Loopback only: 127.0.0.1 or ::1. */
  host?: string;
  port?: number;
}

function track(server: HttpsServer | TcpServer, { host = '127.0.0.1', port = 0 }: Listen, requests: ReceivedRequest[]): Promise<LocalServer> {
  const sockets = new Set<Socket>();
  let connections = 0;
  server.on('connection', (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        get connections() {
          return connections;
        },
        requests,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** An HTTPS server on loopback that records each request, then calls `handler`. */
export function startHttpsServer(pki: TestPki, handler: Handler, listen: Listen = {}): Promise<LocalServer> {
  const requests: ReceivedRequest[] = [];
  const server = createHttpsServer({ cert: pki.cert, key: pki.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        servername: (req.socket as { servername?: string | false }).servername ?? false,
      };
      requests.push(received);
      handler(received, res);
    });
  });
  return track(server, listen, requests);
}

/** A TCP server that accepts connections and never speaks (a TLS handshake that never completes). */
export function startSilentTcpServer(listen: Listen = {}): Promise<LocalServer> {
  return track(createTcpServer(() => {}), listen, []);
}
