// Bounds on what the portal's API reads: a tRPC (or next-auth) body over the limit is refused
// with 413 before it is read in full, let alone parsed; and every tRPC procedure's input schema
// bounds every string, array and big integer in it, so a new unbounded input fails here.
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { POST as authPost } from '@/app/api/auth/[...nextauth]/route';
import { POST as trpcPost } from '@/app/api/trpc/[trpc]/route';
import { withinBodyLimit } from '@/lib/request-body';
import { appRouter } from '@/trpc/root';

const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;

/** A body of `total` bytes (a huge JSON string field) that counts how much of it was pulled. */
function streamedBody(total: number) {
  let sent = 0;
  const head = new TextEncoder().encode('{"0":{"json":{"name":"');
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      const chunk = sent === 0 ? head : new Uint8Array(CHUNK).fill(0x61);
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { stream, pulled: () => sent };
}

function post(url: string, body: ReadableStream<Uint8Array>, headers: Record<string, string> = {}) {
  return new Request(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, duplex: 'half' } as RequestInit);
}

describe('tRPC body limit', () => {
  it('refuses an 8 MiB account.signUp with 413 after reading little more than the limit', async () => {
    const body = streamedBody(8 * MiB);
    const res = await trpcPost(post('http://localhost/api/trpc/account.signUp?batch=1', body.stream));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(body.pulled()).toBeLessThan(256 * 1024 + 3 * CHUNK);
  });

  it('refuses from Content-Length without reading the body', async () => {
    const body = streamedBody(8 * MiB);
    const res = await trpcPost(post('http://localhost/api/trpc/account.signUp?batch=1', body.stream, { 'content-length': String(8 * MiB) }));
    expect(res.status).toBe(413);
    expect(body.pulled()).toBeLessThanOrEqual(CHUNK);
  });

  it('refuses a 1 MiB next-auth sign-in before its password could be hashed', async () => {
    const body = streamedBody(MiB);
    const res = await authPost(post('http://localhost/api/auth/callback/credentials', body.stream, { 'content-type': 'application/x-www-form-urlencoded' }), {
      params: Promise.resolve({ nextauth: ['callback', 'credentials'] }),
    });
    expect(res.status).toBe(413);
    expect(body.pulled()).toBeLessThan(16 * 1024 + 3 * CHUNK);
  });

  it('passes a body within the limit on unchanged', async () => {
    const text = JSON.stringify({ 0: { json: { name: 'é'.repeat(1000) } } });
    const req = await withinBodyLimit(new Request('http://localhost/x?y=1', { method: 'POST', body: text, headers: { 'x-a': 'b' } }), 4096);
    expect(req).not.toBeNull();
    expect([req!.method, req!.url, req!.headers.get('x-a'), await req!.text()]).toEqual(['POST', 'http://localhost/x?y=1', 'b', text]);
    expect(await withinBodyLimit(new Request('http://localhost/x', { method: 'POST', body: 'x'.repeat(4097) }), 4096)).toBeNull();
  });
});

type ZodDef = { type: string; checks?: { _zod: { def: { check: string } } }[]; [k: string]: unknown };
const defOf = (schema: unknown) => (schema as { _zod: { def: ZodDef } })._zod.def;
const hasCheck = (def: ZodDef, ...names: string[]) => (def.checks ?? []).some((c) => names.includes(c._zod.def.check));

/** Paths inside `schema` whose size the schema does not bound. */
function unbounded(schema: unknown, path: string): string[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      return hasCheck(def, 'max_length', 'length_equals') ? [] : [`${path}: string without max`];
    case 'bigint':
      return hasCheck(def, 'less_than') ? [] : [`${path}: bigint without max`];
    case 'array':
      return [...(hasCheck(def, 'max_length', 'length_equals') ? [] : [`${path}: array without max`]), ...unbounded(def.element, `${path}[]`)];
    case 'object':
      return Object.entries(def.shape as Record<string, unknown>).flatMap(([k, v]) => unbounded(v, `${path}.${k}`));
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
    case 'prefault':
      return unbounded(def.innerType, path);
    case 'pipe':
      return unbounded(def.in, path);
    case 'union':
      return (def.options as unknown[]).flatMap((o, i) => unbounded(o, `${path}|${i}`));
    case 'number':
    case 'boolean':
    case 'date':
    case 'enum':
    case 'literal':
    case 'null':
    case 'undefined':
      return [];
    default:
      // record, map, set, any, unknown, lazy…: bound it, then teach this walk the type.
      return [`${path}: ${def.type} is not known to be bounded`];
  }
}

describe('input limits on every tRPC procedure', () => {
  const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { inputs: unknown[] } }>);

  it('finds the procedures', () => {
    expect(procedures.length).toBeGreaterThan(40);
    expect(procedures.map(([name]) => name)).toContain('account.signUp');
  });

  it.each(procedures)('%s bounds every string, array and bigint of its input', (name, procedure) => {
    expect(procedure._def.inputs.flatMap((input) => unbounded(input, name))).toEqual([]);
  });

  it('the walk catches unbounded inputs', async () => {
    const { z: zod } = await import('zod');
    const cases: [z.ZodType, string][] = [
      [zod.object({ a: zod.string() }), 'x.a: string without max'],
      [zod.object({ a: zod.array(zod.string().max(3)) }), 'x.a: array without max'],
      [zod.object({ a: zod.array(zod.string()).max(3) }), 'x.a[]: string without max'],
      [zod.object({ a: zod.bigint().positive().optional() }), 'x.a: bigint without max'],
      [zod.object({ a: zod.string().transform((s) => s.length) }), 'x.a: string without max'],
      [zod.object({ a: zod.record(zod.string().max(2), zod.string().max(2)) }), 'x.a: record is not known to be bounded'],
    ];
    for (const [schema, problem] of cases) expect(unbounded(schema, 'x')).toEqual([problem]);
  });
});
