import Link from 'next/link';
import { AuthCard } from '@/components/auth-card';
import { Alert } from '@/components/ui';
import { currentPrincipal } from '@/lib/auth';
import { findInvitation } from '@/server/tenants/team';
import { AcceptInvitation, NewAccountForm } from './accept-forms';

export const metadata = { title: 'Invitation' };
export const dynamic = 'force-dynamic';

const link = 'font-medium text-indigo-700 dark:text-indigo-300 hover:underline';

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const [invitation, principal] = await Promise.all([findInvitation(token), currentPrincipal()]);
  if (!invitation || invitation.state !== 'pending') {
    const why = !invitation ? 'This invitation link is not valid.' : invitation.state === 'expired' ? 'This invitation has expired.' : 'This invitation has already been used.';
    return (
      <AuthCard title="Invitation unavailable" footer={<Link className={link} href="/signin">Go to sign-in</Link>}>
        <Alert tone="warning">{why} Ask the tenant owner for a new one.</Alert>
      </AuthCard>
    );
  }
  const title = `Join ${invitation.tenantName} on Signet`;
  const subtitle = `You are invited as ${invitation.role === 'owner' ? 'an owner' : 'a member'}, as ${invitation.email}.`;
  if (principal) {
    return (
      <AuthCard title={title} subtitle={subtitle}>
        {principal.email === invitation.email ? (
          <AcceptInvitation token={token} />
        ) : (
          <Alert tone="warning">
            You are signed in as {principal.email}. Sign out and open this link again as {invitation.email}.
          </Alert>
        )}
      </AuthCard>
    );
  }
  if (invitation.accountExists) {
    return (
      <AuthCard title={title} subtitle={subtitle} footer={<Link className={link} href="/signin">Sign in</Link>}>
        <Alert tone="info">An account for {invitation.email} exists. Sign in, then open this link again to accept.</Alert>
      </AuthCard>
    );
  }
  return (
    <AuthCard title={title} subtitle={subtitle}>
      <NewAccountForm token={token} email={invitation.email} />
    </AuthCard>
  );
}
