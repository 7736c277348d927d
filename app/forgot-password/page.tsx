import Link from 'next/link';
import { AuthCard } from '@/components/auth-card';
import { ForgotPasswordForm } from './forgot-password-form';

export const metadata = { title: 'Forgot password' };

export default function ForgotPasswordPage() {
  return (
    <AuthCard title="Reset your password" subtitle="We email you a link to choose a new one." footer={<Link className="font-medium text-indigo-700 hover:underline dark:text-indigo-300" href="/signin">Back to sign in</Link>}>
      <ForgotPasswordForm />
    </AuthCard>
  );
}
