// Request bodies read with a size limit, for the portal's route handlers (tRPC, next-auth): a
// body larger than the limit is refused from its Content-Length before anything is read, or as
// soon as a streamed body passes the limit; nothing is ever parsed from it.
import { NextRequest } from 'next/server';

/** The request with its body in memory, or null when the body is larger than maxBytes. */
export async function withinBodyLimit(req: Request, maxBytes: number): Promise<NextRequest | null> {
  if (!req.body) return req instanceof NextRequest ? req : new NextRequest(req);
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await req.body.cancel();
    return null;
  }
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return new NextRequest(req.url, { method: req.method, headers: req.headers, body: Buffer.concat(chunks), signal: req.signal });
}

export function bodyTooLarge(maxBytes: number): Response {
  return Response.json({ error: { code: 'PAYLOAD_TOO_LARGE', message: `request body larger than ${maxBytes} bytes` } }, { status: 413 });
}
