/**
 * signet-witness: an independent tlog-witness for Signet's transparency log (SPEC §7).
 *   signet-witness --listen <host:port> --data <dir> --log <log vkey> [--log …] [--name <name>]
 * Prints its own vkey as the first line of its output.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { parseArgs } from 'node:util';
import { formatVerifierKey, parseVerifierKey, SIG_COSIGNATURE_V1, SIG_ED25519, type VerifierKey } from '../transparency/note';
import { FileStore, loadOrCreateKey } from './store';
import { Witness } from './witness';

const USAGE = 'usage: signet-witness --listen <host:port> --data <dir> --log <log vkey> [--log <log vkey>…] [--name <name>]';
const MAX_BODY = 64 * 1024;

export function witnessHttpServer(witness: Witness): Server {
  return createServer((req, res) => {
    const reply = (status: number, contentType: string, body: string) => res.writeHead(status, { 'content-type': contentType }).end(body);
    const url = new URL(req.url ?? '/', 'http://witness');
    const monitor = /^\/([0-9a-f]{64})\/checkpoint$/.exec(url.pathname);
    if (req.method === 'GET' && monitor) {
      const origin = witness.origins().find((o) => createHash('sha256').update(o).digest('hex') === monitor[1]);
      const latest = origin && witness.latest(origin);
      return latest ? reply(200, 'text/plain; charset=utf-8', latest) : reply(404, 'text/plain; charset=utf-8', 'never cosigned a checkpoint of that log\n');
    }
    if (url.pathname !== '/add-checkpoint') return reply(404, 'text/plain; charset=utf-8', 'not found\n');
    if (req.method !== 'POST') return res.writeHead(405, { allow: 'POST' }).end();
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reply(413, 'text/plain; charset=utf-8', `request body over ${MAX_BODY} bytes\n`);
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY) return;
      let body: string;
      try {
        body = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
      } catch {
        return reply(400, 'text/plain; charset=utf-8', 'request body is not UTF-8\n');
      }
      witness.addCheckpoint(body).then(
        (r) => reply(r.status, r.contentType, r.body),
        (error: unknown) => {
          console.error(`signet-witness: ${(error as Error).message}`);
          reply(500, 'text/plain; charset=utf-8', 'could not persist the checkpoint\n');
        },
      );
    });
  });
}

export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { listen: { type: 'string' }, data: { type: 'string' }, log: { type: 'string', multiple: true }, name: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    console.error(`signet-witness: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const listen = /^(.*):(\d{1,5})$/.exec(values.listen ?? '');
  const problem = !listen ? 'missing or malformed --listen <host:port>' : !values.data ? 'missing --data <dir>' : !values.log?.length ? 'missing --log <log vkey>' : null;
  if (problem) {
    console.error(`signet-witness: ${problem}\n${USAGE}`);
    return 2;
  }
  const logs: VerifierKey[] = [];
  for (const vkey of values.log!) {
    const parsed = parseVerifierKey(vkey);
    if (!parsed.ok || parsed.value.type !== SIG_ED25519) {
      console.error(`signet-witness: --log ${vkey}: ${parsed.ok ? 'not an Ed25519 (0x01) log key' : parsed.reason}`);
      return 2;
    }
    logs.push(parsed.value);
  }
  let witness: Witness;
  try {
    const signer = loadOrCreateKey(values.data!, values.name);
    witness = new Witness(signer, logs, new FileStore(values.data!));
  } catch (error) {
    console.error(`signet-witness: ${(error as Error).message}`);
    return 2;
  }
  const server = witnessHttpServer(witness);
  const [, host, port] = listen! as unknown as [string, string, string];
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(Number(port), host.replace(/^\[|\]$/g, ''), resolve);
    });
  } catch (error) {
    console.error(`signet-witness: cannot listen on ${values.listen}: ${(error as Error).message}`);
    return 2;
  }
  const address = server.address();
  const bound = typeof address === 'object' && address ? `${address.address}:${address.port}` : values.listen;
  console.log(formatVerifierKey(witness.signer.name, SIG_COSIGNATURE_V1, witness.signer.publicKey));
  console.log(`listening on http://${bound} for ${logs.map((l) => l.name).join(', ')}`);
  await new Promise<void>((resolve) => {
    const stop = () => server.close(() => resolve());
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  return 0;
}
