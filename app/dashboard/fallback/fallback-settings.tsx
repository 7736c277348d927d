'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ProgressBar } from '@/components/progress-bar';
import { DateTime } from '@/components/date-time';
import { Alert, Button, Card, Field, Input, Spinner } from '@/components/ui';
import { readableError } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc-client';

export function FallbackSettings({ canManage }: { canManage: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.fallback.get.queryOptions());
  const save = useMutation(trpc.fallback.save.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.fallback.get.queryKey() }) }));
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  if (settings.isPending) return <Spinner label="Loading fallback settings" />;
  if (settings.isError) return <Alert tone="error">Could not load the settings: {readableError(settings.error)}</Alert>;
  const { fallbackEnabled, fuMonthlyLimit, fuUsed, period } = settings.data;

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const limit = String(form.get('limit') ?? '').trim();
    setSaved(false);
    if (limit && !/^\d+$/.test(limit)) {
      setError('Enter a whole number of FU tokens, or leave it empty for no limit.');
      return;
    }
    setError(null);
    try {
      await save.mutateAsync({ fallbackEnabled: form.get('enabled') === 'on', fuMonthlyLimit: limit ? BigInt(limit) : null });
      setSaved(true);
    } catch (err) {
      setError(readableError(err));
    }
  }

  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Card title="Usage this month">
        <div className="space-y-3">
          <ProgressBar label="FU tokens used" used={fuUsed} limit={fuMonthlyLimit} unit="FU" />
          <p className="text-xs text-slate-500 dark:text-slate-400">
            Calendar month in UTC, since <DateTime value={period.start} />. When the limit is reached, exchanges that need the fallback are refused with 429.
          </p>
        </div>
      </Card>
      <Card title="Settings">
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          <fieldset disabled={!canManage} className="space-y-4">
            <div className="flex items-center gap-2">
              <input id="fallback-enabled" name="enabled" type="checkbox" defaultChecked={fallbackEnabled} className="h-4 w-4 rounded border-slate-300 dark:border-slate-600 text-indigo-600 dark:text-indigo-300 focus:ring-indigo-600" />
              <label htmlFor="fallback-enabled" className="text-sm font-medium text-slate-800 dark:text-slate-200">
                Enable the LLM fallback for this tenant
              </label>
            </div>
            <Field label="FU monthly limit" hint="Empty means no limit. A key with its own limit uses that instead." error={error}>
              <Input name="limit" inputMode="numeric" defaultValue={fuMonthlyLimit?.toString() ?? ''} />
            </Field>
          </fieldset>
          {canManage ? (
            <div className="flex items-center gap-3">
              <Button type="submit" disabled={save.isPending}>
                {save.isPending ? 'Saving…' : 'Save settings'}
              </Button>
              {saved && <span role="status" className="text-sm text-emerald-700 dark:text-emerald-300">Saved.</span>}
            </div>
          ) : (
            <p className="text-xs text-slate-500 dark:text-slate-400">Only owners can change these settings.</p>
          )}
        </form>
      </Card>
    </div>
  );
}
