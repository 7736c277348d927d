'use client';
import { useMutation } from '@tanstack/react-query';
import { signIn } from 'next-auth/react';
import { useState, type FormEvent } from 'react';
import { Alert, Button, Field, Input } from '@/components/ui';
import { formErrors, noFormErrors, readableError } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc-client';

const FIELDS = ['name', 'password'] as const;
type Fields = (typeof FIELDS)[number];

/** The invitee has no account: choose a name and password, then land on the dashboard. */
export function NewAccountForm({ token, email }: { token: string; email: string }) {
  const trpc = useTRPC();
  const accept = useMutation(trpc.team.acceptAsNewUser.mutationOptions());
  const [errors, setErrors] = useState(noFormErrors<Fields>);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const password = String(form.get('password'));
    setErrors(noFormErrors());
    try {
      await accept.mutateAsync({ token, name: String(form.get('name')), password });
    } catch (err) {
      setErrors(formErrors(err, FIELDS));
      return;
    }
    const result = await signIn('credentials', { email, password, redirect: false });
    if (result?.ok) window.location.assign('/dashboard');
    else setErrors({ fields: {}, message: 'Your account was created, but signing in failed. Try signing in.' });
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {errors.message && <Alert tone="error">{errors.message}</Alert>}
      <Field label="Email">
        <Input value={email} readOnly disabled />
      </Field>
      <Field label="Your name" error={errors.fields.name}>
        <Input name="name" autoComplete="name" required />
      </Field>
      <Field label="Password" hint="At least 10 characters." error={errors.fields.password}>
        <Input name="password" type="password" autoComplete="new-password" minLength={10} required />
      </Field>
      <Button type="submit" className="w-full" disabled={accept.isPending}>
        {accept.isPending ? 'Joining…' : 'Create account and join'}
      </Button>
    </form>
  );
}

/** Signed in with the invited email: one click. */
export function AcceptInvitation({ token }: { token: string }) {
  const trpc = useTRPC();
  const accept = useMutation(trpc.team.accept.mutationOptions({ onSuccess: () => window.location.assign('/dashboard') }));
  return (
    <div className="space-y-4">
      {accept.isError && <Alert tone="error">{readableError(accept.error)}</Alert>}
      <Button className="w-full" onClick={() => accept.mutate({ token })} disabled={accept.isPending}>
        {accept.isPending ? 'Joining…' : 'Accept invitation'}
      </Button>
    </div>
  );
}
