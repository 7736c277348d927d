// next-auth: email + password (Credentials) with JWT sessions in an HttpOnly cookie. The
// token carries only the user id; roles and memberships are read from the database on every
// request (server/tenants), so a removed member loses access at once.
import type { NextAuthOptions } from 'next-auth';
import { getServerSession } from 'next-auth';
import { cache } from 'react';
import CredentialsProvider from 'next-auth/providers/credentials';
import { authenticateUser } from '@/server/tenants/accounts';
import { encodeThrottleNotice } from '@/lib/throttle-notice';
import { loadPrincipal, type Principal } from '@/server/tenants/principal';

export const authOptions: NextAuthOptions = {
  session: { strategy: 'jwt', maxAge: 12 * 60 * 60 },
  pages: { signIn: '/signin' },
  providers: [
    CredentialsProvider({
      name: 'Email and password',
      credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
      async authorize(credentials, req) {
        if (!credentials?.email || !credentials.password) return null;
        const address = (req.headers?.['x-signet-client-ip'] as string | undefined) || null;
        const result = await authenticateUser(credentials.email, credentials.password, address);
        // next-auth hands a thrown error's message to the form as `error`.
        if (result && 'refused' in result) throw new Error(encodeThrottleNotice(result.refused));
        return result && { id: result.user.id, email: result.user.email, name: result.user.name };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) token.sub = user.id;
      return token;
    },
    session({ session, token }) {
      if (session.user && token.sub) (session.user as { id?: string }).id = token.sub;
      return session;
    },
  },
};

/** The signed-in principal (user, platform role, memberships) or null; read once per server render (layout, page and the procedures it calls). */
export const currentPrincipal = cache(async (): Promise<Principal | null> => {
  const session = await getServerSession(authOptions);
  const id = (session?.user as { id?: string } | undefined)?.id;
  return id ? loadPrincipal(id) : null;
});
