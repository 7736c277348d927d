'use client';
import { useMutation } from '@tanstack/react-query';
import { signIn } from 'next-auth/react';
import { useState, type FormEvent } from 'react';
import { Alert, Button, Field, Input } from '@/components/ui';
import { formErrors, noFormErrors } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc-client';

export function ResetPasswordForm({ token }: { token: string }) {
  const trpc = useTRPC();
  const reset = useMutation(trpc.account.resetPassword.mutationOptions());
  const [errors, setErrors] = useState(noFormErrors<'password'>);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const password = String(new FormData(e.currentTarget).get('password'));
    setErrors(noFormErrors());
    try {
      const { email } = await reset.mutateAsync({ token, password });
      const result = await signIn('credentials', { email, password, redirect: false });
      window.location.assign(result?.ok ? '/' : '/signin');
    } catch (err) {
      setErrors(formErrors(err, ['password']));
    }
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {errors.message && <Alert tone="error">{errors.message}</Alert>}
      <Field label="New password" hint="At least 10 characters." error={errors.fields.password}>
        <Input name="password" type="password" autoComplete="new-password" required minLength={10} />
      </Field>
      <Button type="submit" className="w-full" disabled={reset.isPending}>
        {reset.isPending ? 'Saving…' : 'Save and sign in'}
      </Button>
    </form>
  );
}
