import Link from 'next/link';
import { AuthCard } from '@/components/auth-card';
import { resetTokenUsable } from '@/server/tenants/password-reset';
import { ResetPasswordForm } from './reset-password-form';

export const metadata = { title: 'Choose a new password' };

export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const usable = token.length >= 20 && token.length <= 100 && (await resetTokenUsable(token));
  return (
    <AuthCard title="Choose a new password" footer={<Link className="font-medium text-indigo-700 hover:underline dark:text-indigo-300" href="/signin">Back to sign in</Link>}>
      {usable ? (
        <ResetPasswordForm token={token} />
      ) : (
        <p className="text-sm text-slate-700 dark:text-slate-300">
          This reset link has expired or was already used.{' '}
          <Link className="font-medium text-indigo-700 underline dark:text-indigo-300" href="/forgot-password">
            Ask for a new one
          </Link>
          .
        </p>
      )}
    </AuthCard>
  );
}
