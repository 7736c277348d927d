import NextAuth from 'next-auth';
import { authOptions } from '@/lib/auth';
import { bodyTooLarge, withinBodyLimit } from '@/lib/request-body';

const nextAuth = NextAuth(authOptions) as (req: Request, ctx: unknown) => Promise<Response>;
// A sign-in form is a few hundred bytes; nothing larger is parsed (or its password hashed).
const MAX_BODY_BYTES = 16 * 1024;

async function handler(original: Request, ctx: unknown) {
  const req = await withinBodyLimit(original, MAX_BODY_BYTES);
  return req ? nextAuth(req, ctx) : bodyTooLarge(MAX_BODY_BYTES);
}

export { handler as GET, handler as POST };
