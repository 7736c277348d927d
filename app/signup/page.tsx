import Link from 'next/link';
import { AuthCard } from '@/components/auth-card';
import { SignUpForm } from './sign-up-form';

export const metadata = { title: 'Create an account' };

export default function SignUpPage() {
  return (
    <AuthCard title="Create your Signet account" subtitle="You become the owner of a new tenant. No card needed." footer={<>Already have an account? <Link className="font-medium text-indigo-700 dark:text-indigo-300 hover:underline" href="/signin">Sign in</Link></>}>
      <SignUpForm />
    </AuthCard>
  );
}
