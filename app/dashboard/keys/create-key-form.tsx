'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Alert, Button, Card, Field, Input, Select } from '@/components/ui';
import { readableError } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc-client';

const DIGITS = /^\d+$/;

/** "YYYY-MM-DD" from a date input: the key works until the end of that day, local time. */
function endOfLocalDay(value: string): Date | null {
  return value ? new Date(`${value}T23:59:59.999`) : null;
}

export function CreateKeyForm({ onCreated }: { onCreated: (secret: string, name: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const create = useMutation(
    trpc.apiKeys.create.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() }) }),
  );
  const [error, setError] = useState<string | null>(null);
  const [limitError, setLimitError] = useState<string | null>(null);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    const limit = String(form.get('fuMonthlyLimit') ?? '').trim();
    setError(null);
    setLimitError(limit && !DIGITS.test(limit) ? 'Enter a whole number of FU tokens, or leave it empty.' : null);
    if (limit && !DIGITS.test(limit)) return;
    const fallback = String(form.get('fallback'));
    try {
      const created = await create.mutateAsync({
        name: String(form.get('name')),
        expiresAt: endOfLocalDay(String(form.get('expiresAt') ?? '')),
        allowlist: String(form.get('allowlist') ?? '')
          .split('\n')
          .map((line) => line.trim())
          .filter(Boolean),
        fallbackEnabled: fallback === 'inherit' ? null : fallback === 'on',
        fuMonthlyLimit: limit ? BigInt(limit) : null,
      });
      formEl.reset();
      onCreated(created.secret, created.apiKey.name);
    } catch (err) {
      setError(readableError(err));
    }
  }

  return (
    <Card title="Create a key">
      <form onSubmit={onSubmit} className="grid gap-4 sm:grid-cols-2" noValidate>
        {error && (
          <div className="sm:col-span-2">
            <Alert tone="error">{error}</Alert>
          </div>
        )}
        <Field label="Name" htmlFor="key-name" hint="Where the key is used, e.g. “billing-agent prod”.">
          <Input id="key-name" name="name" required maxLength={80} />
        </Field>
        <Field label="Expires on (optional)" htmlFor="key-expiry" hint="Leave empty for a key that does not expire.">
          <Input id="key-expiry" name="expiresAt" type="date" />
        </Field>
        <div className="sm:col-span-2">
          <Field label="Extra forward allowlist for this key (optional)" htmlFor="key-allowlist" hint="One host per line, e.g. api.partner.com or *.partner.com:8443. Added to the tenant's list.">
            <textarea
              id="key-allowlist"
              name="allowlist"
              rows={3}
              className="block w-full rounded-md border-0 px-3 py-2 font-mono text-sm text-slate-900 dark:text-slate-100 shadow-sm ring-1 ring-inset ring-slate-300 dark:ring-slate-600 focus:ring-2 focus:ring-inset focus:ring-indigo-600"
            />
          </Field>
        </div>
        <Field label="LLM fallback" htmlFor="key-fallback">
          <Select id="key-fallback" name="fallback" defaultValue="inherit">
            <option value="inherit">Follow the tenant setting</option>
            <option value="on">Enabled for this key</option>
            <option value="off">Disabled for this key</option>
          </Select>
        </Field>
        <Field label="FU monthly limit for this key (optional)" htmlFor="key-fu-limit" hint="Empty: the tenant's limit applies." error={limitError}>
          <Input id="key-fu-limit" name="fuMonthlyLimit" inputMode="numeric" pattern="[0-9]*" />
        </Field>
        <div className="sm:col-span-2">
          <Button type="submit" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create key'}
          </Button>
        </div>
      </form>
    </Card>
  );
}
