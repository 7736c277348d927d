'use client';
import Link from 'next/link';
import { signIn } from 'next-auth/react';
import { useState, type FormEvent } from 'react';
import { ThrottleAlert, useThrottleCountdown } from '@/components/throttle-alert';
import { Alert, Button, Field, Input } from '@/components/ui';
import { decodeThrottleNotice } from '@/lib/throttle-notice';

export function SignInForm({ initialError, returnTo }: { initialError: string | null; returnTo: string | null }) {
  const [error, setError] = useState<string | null>(initialError);
  const [pending, setPending] = useState(false);
  const throttle = useThrottleCountdown();

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setPending(true);
    setError(null);
    const result = await signIn('credentials', { email: String(form.get('email')), password: String(form.get('password')), redirect: false });
    if (result?.ok) {
      window.location.assign(returnTo ?? '/');
    } else {
      setPending(false);
      const notice = decodeThrottleNotice(result?.error);
      if (notice) throttle.start(notice);
      else setError('Wrong email or password.');
    }
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {throttle.notice && <ThrottleAlert notice={throttle.notice} action="sign-in" />}
      {error && <Alert tone="error">{error}</Alert>}
      <Field label="Email">
        <Input name="email" type="email" autoComplete="email" required />
      </Field>
      <Field label="Password" hint={<Link href="/forgot-password" className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">Forgot password?</Link>}>
        <Input name="password" type="password" autoComplete="current-password" required />
      </Field>
      <Button type="submit" className="w-full" disabled={pending || throttle.notice !== null}>
        {pending ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}
