'use client';
import { useMutation } from '@tanstack/react-query';
import { signIn } from 'next-auth/react';
import { useState, type FormEvent } from 'react';
import { ThrottleAlert, useThrottleCountdown } from '@/components/throttle-alert';
import { Alert, Button, Field, Input } from '@/components/ui';
import type { ThrottleNotice } from '@/lib/throttle-notice';
import { errorDetails, readableError } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc-client';

export function SignUpForm() {
  const trpc = useTRPC();
  const signUp = useMutation(trpc.account.signUp.mutationOptions());
  const [error, setError] = useState<string | null>(null);
  const throttle = useThrottleCountdown();

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const input = {
      name: String(form.get('name')),
      company: String(form.get('company')),
      email: String(form.get('email')),
      password: String(form.get('password')),
    };
    setError(null);
    try {
      await signUp.mutateAsync(input);
    } catch (err) {
      const notice = errorDetails(err)?.throttle as ThrottleNotice | undefined;
      if (notice) throttle.start(notice);
      else setError(readableError(err));
      return;
    }
    const result = await signIn('credentials', { email: input.email, password: input.password, redirect: false });
    if (result?.ok) window.location.assign('/dashboard');
    else setError('Account created, but signing in failed. Try signing in.');
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {throttle.notice && <ThrottleAlert notice={throttle.notice} action="sign-up" />}
      {error && <Alert tone="error">{error}</Alert>}
      <Field label="Your name" htmlFor="name">
        <Input id="name" name="name" autoComplete="name" required />
      </Field>
      <Field label="Company" htmlFor="company">
        <Input id="company" name="company" autoComplete="organization" required />
      </Field>
      <Field label="Work email" htmlFor="email">
        <Input id="email" name="email" type="email" autoComplete="email" required />
      </Field>
      <Field label="Password" htmlFor="password" hint="At least 10 characters.">
        <Input id="password" name="password" type="password" autoComplete="new-password" minLength={10} required />
      </Field>
      <Button type="submit" className="w-full" disabled={signUp.isPending || throttle.notice !== null}>
        {signUp.isPending ? 'Creating account…' : 'Create account'}
      </Button>
    </form>
  );
}
