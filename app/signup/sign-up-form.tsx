'use client';
import { useMutation } from '@tanstack/react-query';
import { signIn } from 'next-auth/react';
import { useState, type FormEvent } from 'react';
import { ThrottleAlert, useThrottleCountdown } from '@/components/throttle-alert';
import { Alert, Button, Field, Input } from '@/components/ui';
import type { ThrottleNotice } from '@/lib/throttle-notice';
import { errorDetails, formErrors, noFormErrors } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc-client';

const FIELDS = ['name', 'company', 'email', 'password'] as const;
type Fields = (typeof FIELDS)[number];

export function SignUpForm() {
  const trpc = useTRPC();
  const signUp = useMutation(trpc.account.signUp.mutationOptions());
  const [errors, setErrors] = useState(noFormErrors<Fields>);
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
    setErrors(noFormErrors());
    try {
      await signUp.mutateAsync(input);
    } catch (err) {
      const notice = errorDetails(err)?.throttle as ThrottleNotice | undefined;
      if (notice) throttle.start(notice);
      else setErrors(formErrors(err, FIELDS));
      return;
    }
    const result = await signIn('credentials', { email: input.email, password: input.password, redirect: false });
    if (result?.ok) window.location.assign('/dashboard');
    else setErrors({ fields: {}, message: 'Account created, but signing in failed. Try signing in.' });
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {throttle.notice && <ThrottleAlert notice={throttle.notice} action="sign-up" />}
      {errors.message && <Alert tone="error">{errors.message}</Alert>}
      <Field label="Your name" error={errors.fields.name}>
        <Input name="name" autoComplete="name" required />
      </Field>
      <Field label="Company" error={errors.fields.company}>
        <Input name="company" autoComplete="organization" required />
      </Field>
      <Field label="Work email" error={errors.fields.email}>
        <Input name="email" type="email" autoComplete="email" required />
      </Field>
      <Field label="Password" hint="At least 10 characters." error={errors.fields.password}>
        <Input name="password" type="password" autoComplete="new-password" minLength={10} required />
      </Field>
      <Button type="submit" className="w-full" disabled={signUp.isPending || throttle.notice !== null}>
        {signUp.isPending ? 'Creating account…' : 'Create account'}
      </Button>
    </form>
  );
}
