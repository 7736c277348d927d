'use client';
import { useMutation } from '@tanstack/react-query';
import { signIn } from 'next-auth/react';
import { useState, type FormEvent } from 'react';
import { Button, Field, Input } from '@/components/ui';
import { readableError } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc-client';

export function ResetPasswordForm({ token }: { token: string }) {
  const trpc = useTRPC();
  const reset = useMutation(trpc.account.resetPassword.mutationOptions());
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const password = String(new FormData(e.currentTarget).get('password'));
    setError(null);
    try {
      const { email } = await reset.mutateAsync({ token, password });
      const result = await signIn('credentials', { email, password, redirect: false });
      window.location.assign(result?.ok ? '/' : '/signin');
    } catch (err) {
      setError(readableError(err));
    }
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <Field label="New password" htmlFor="password" hint="At least 10 characters." error={error}>
        <Input id="password" name="password" type="password" autoComplete="new-password" required minLength={10} aria-invalid={error ? true : undefined} />
      </Field>
      <Button type="submit" className="w-full" disabled={reset.isPending}>
        {reset.isPending ? 'Saving…' : 'Save and sign in'}
      </Button>
    </form>
  );
}
