'use client';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ThrottleAlert, useThrottleCountdown } from '@/components/throttle-alert';
import { Alert, Button, Field, Input } from '@/components/ui';
import { errorDetails, formErrors, noFormErrors } from '@/lib/errors';
import type { ThrottleNotice } from '@/lib/throttle-notice';
import { useTRPC } from '@/lib/trpc-client';

export function ForgotPasswordForm() {
  const trpc = useTRPC();
  const request = useMutation(trpc.account.requestPasswordReset.mutationOptions());
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [errors, setErrors] = useState(noFormErrors<'email'>);
  const throttle = useThrottleCountdown();

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const email = String(new FormData(e.currentTarget).get('email'));
    setErrors(noFormErrors());
    try {
      await request.mutateAsync({ email });
      setSentTo(email);
    } catch (err) {
      const notice = errorDetails(err)?.throttle as ThrottleNotice | undefined;
      if (notice) throttle.start(notice);
      else setErrors(formErrors(err, ['email']));
    }
  }

  if (sentTo)
    return (
      <Alert tone="success">
        If <strong>{sentTo}</strong> has a Signet account, an email with a reset link is on its way. The link works once, for one hour.
      </Alert>
    );
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {throttle.notice && <ThrottleAlert notice={throttle.notice} action="password-reset" />}
      {errors.message && <Alert tone="error">{errors.message}</Alert>}
      <Field label="Email" error={errors.fields.email}>
        <Input name="email" type="email" autoComplete="email" required />
      </Field>
      <Button type="submit" className="w-full" disabled={request.isPending || throttle.notice !== null}>
        {request.isPending ? 'Sending…' : 'Email me a reset link'}
      </Button>
    </form>
  );
}
