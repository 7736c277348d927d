// A local stand-in for an OpenAI-compatible provider: `POST /v1/chat/completions` answered
// from a scripted queue, or by a `respond` function once the queue is empty, every request
// recorded. Point a client at `baseURL`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeUsage = { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number };

export type ScriptedReply =
  /** A normal completion; `usage: null` leaves usage out of the body. */
  | { content: string; usage: FakeUsage | null }
  | { status: number; body?: unknown }
  /** Never answers (until the server closes): for client timeouts. */
  | { hang: true }
  /** A 200 whose body is not a usable completion. */
  | { malformed: 'not_json' | 'no_choices' | 'no_content' };

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: { model?: string; messages?: { role: string; content: string }[]; response_format?: unknown; [k: string]: unknown };
}

export interface FakeLlm {
  baseURL: string;
  requests: RecordedRequest[];
  enqueue(...replies: ScriptedReply[]): void;
  close(): Promise<void>;
}

export async function startFakeLlm(options: { respond?(request: RecordedRequest): ScriptedReply; record?: boolean } = {}): Promise<FakeLlm> {
  const queue: ScriptedReply[] = [];
  const requests: RecordedRequest[] = [];
  let served = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => send(res, 500, { error: { message: String(error) } }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const request: RecordedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      authorization: req.headers.authorization,
      body: raw ? (JSON.parse(raw) as RecordedRequest['body']) : {},
    };
    if (options.record !== false) requests.push(request);
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      send(res, 404, { error: { message: `fake-llm: no route ${req.method} ${req.url}` } });
      return;
    }
    const reply = queue.shift() ?? options.respond?.(request);
    if (!reply) {
      send(res, 500, { error: { message: 'fake-llm: no scripted reply left' } });
      return;
    }
    served += 1;
    if ('hang' in reply) return;
    if ('status' in reply) {
      send(res, reply.status, reply.body ?? { error: { message: `scripted status ${reply.status}`, type: 'server_error' } });
      return;
    }
    if ('malformed' in reply) {
      if (reply.malformed === 'not_json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"choices": [ this is not json');
      } else {
        const choices = reply.malformed === 'no_choices' ? [] : [{ index: 0, message: { role: 'assistant' }, finish_reason: 'stop' }];
        send(res, 200, { id: `chatcmpl-fake-${served}`, object: 'chat.completion', created: 0, model: 'fake', choices });
      }
      return;
    }
    send(res, 200, {
      id: `chatcmpl-fake-${served}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: request.body.model ?? 'fake',
      choices: [{ index: 0, message: { role: 'assistant', content: reply.content }, finish_reason: 'stop' }],
      ...(reply.usage ? { usage: reply.usage } : {}),
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...replies) => void queue.push(...replies),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
