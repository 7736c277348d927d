import Link from 'next/link';
import { redirect } from 'next/navigation';
import { AuthCard } from '@/components/auth-card';
import { currentPrincipal } from '@/lib/auth';
import { homePath, safeReturnPath } from '@/lib/guards';
import { SignInForm } from './sign-in-form';

export const metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ error?: string; next?: string }> }) {
  const principal = await currentPrincipal();
  const { error, next } = await searchParams;
  const back = safeReturnPath(next);
  if (principal) redirect(back ?? homePath(principal));
  return (
    <AuthCard title="Sign in" subtitle="Verified AI-to-AI exchanges, receipts and billing." footer={<>New to Signet? <Link className="font-medium text-indigo-700 dark:text-indigo-300 hover:underline" href="/signup">Create an account</Link></>}>
      <SignInForm returnTo={back} initialError={error === 'NoAccess' ? 'Your account has no tenant or role yet. Ask an owner to invite you.' : null} />
    </AuthCard>
  );
}
