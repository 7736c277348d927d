import Link from 'next/link';
import { AuthCard } from '@/components/auth-card';

export const metadata = { title: 'Page not found' };

export default function NotFound() {
  return (
    <AuthCard title="Page not found" subtitle="404 · There is no page at this address.">
      <p className="text-sm">
        <Link href="/" className="font-medium text-indigo-700 underline dark:text-indigo-300">
          Go to your home page
        </Link>
      </p>
    </AuthCard>
  );
}
