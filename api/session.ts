// Portal sessions on the API layer: auditors and admins signed in to the portal may read any
// chain. The next-auth session cookie is a JWT signed with NEXTAUTH_SECRET.
import { decode } from 'next-auth/jwt';
import { loadConfig } from '@/server/config';
import { loadPrincipal, type Principal } from '@/server/tenants/principal';

const COOKIE_NAMES = ['__Secure-next-auth.session-token', 'next-auth.session-token'];

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export async function sessionPrincipal(cookieHeader: string | undefined): Promise<Principal | null> {
  const secret = loadConfig().authSecret;
  if (!secret || !cookieHeader) return null;
  for (const name of COOKIE_NAMES) {
    const token = readCookie(cookieHeader, name);
    if (!token) continue;
    try {
      const payload = await decode({ token, secret });
      if (payload?.sub) return loadPrincipal(payload.sub);
    } catch {
      return null;
    }
  }
  return null;
}
