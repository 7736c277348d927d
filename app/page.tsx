import { redirect } from 'next/navigation';
import { currentPrincipal } from '@/lib/auth';
import { homePath } from '@/lib/guards';

export default async function Home() {
  const principal = await currentPrincipal();
  redirect(principal ? homePath(principal) : '/signin');
}
