import Link from 'next/link';
import { AuthCard } from '@/components/auth-card';

export const metadata = { title: 'Not allowed' };

/** 403: signed in, but this area belongs to another role. */
export default function Forbidden() {
  return (
    <AuthCard title="You can't open this page" subtitle="403 · This area is for another role (admins or auditors).">
      <p className="text-sm text-slate-700 dark:text-slate-300">Your account is signed in, but it does not have the role this page needs. Ask an admin if you think it should.</p>
      <p className="mt-4 text-sm">
        <Link href="/" className="font-medium text-indigo-700 underline dark:text-indigo-300">
          Go to your home page
        </Link>
      </p>
    </AuthCard>
  );
}
