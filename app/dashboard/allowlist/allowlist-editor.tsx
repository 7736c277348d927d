'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Alert, Badge, Button, Card, EmptyState, Field, Input, Spinner } from '@/components/ui';
import { readableError } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc-client';

export function AllowlistEditor({ canManage }: { canManage: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.allowlist.get.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.allowlist.get.queryKey() });
  const add = useMutation(trpc.allowlist.add.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.allowlist.remove.mutationOptions({ onSuccess: refresh }));
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  async function onAdd(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setNotice(null);
    try {
      const result = await add.mutateAsync({ entry: draft });
      setDraft('');
      setNotice(result.added ? `Added ${result.entry}.` : `${result.entry} is already on the list.`);
    } catch (err) {
      setError(readableError(err));
    }
  }

  async function onRemove(entry: string) {
    setError(null);
    setNotice(null);
    try {
      await remove.mutateAsync({ entry });
      setNotice(`Removed ${entry}.`);
    } catch (err) {
      setError(readableError(err));
    }
  }

  if (list.isPending) return <Spinner label="Loading the allowlist" />;
  if (list.isError) return <Alert tone="error">Could not load the allowlist: {readableError(list.error)}</Alert>;
  const { entries, global } = list.data;

  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Card title="Your tenant's entries">
        <div className="space-y-4">
          {canManage && (
            <form onSubmit={onAdd} className="flex flex-col gap-2 sm:flex-row sm:items-start" noValidate>
              <div className="flex-1">
                <Field label="Add a host" hint="api.partner.com, *.partner.com (subdomains only) or host:port." error={error}>
                  <Input
                    value={draft}
                    onChange={(e) => setDraft(e.target.value)}
                    className="font-mono"
                    aria-invalid={error ? true : undefined}
                    autoComplete="off"
                  />
                </Field>
              </div>
              <Button type="submit" className="sm:mt-6" disabled={add.isPending || draft.trim() === ''}>
                {add.isPending ? 'Adding…' : 'Add'}
              </Button>
            </form>
          )}
          {notice && <Alert tone="success">{notice}</Alert>}
          {entries.length === 0 ? (
            <EmptyState title="No tenant entries">Only the platform entries apply.</EmptyState>
          ) : (
            <ul className="divide-y divide-slate-100 dark:divide-slate-800 rounded-md ring-1 ring-slate-200 dark:ring-slate-700">
              {entries.map((entry) => (
                <li key={entry} className="flex items-center justify-between gap-2 px-3 py-2">
                  <span className="break-all font-mono text-sm text-slate-800 dark:text-slate-200">{entry}</span>
                  {canManage && (
                    <Button variant="ghost" className="text-red-700 dark:text-red-300" onClick={() => onRemove(entry)} disabled={remove.isPending} aria-label={`Remove ${entry}`}>
                      Remove
                    </Button>
                  )}
                </li>
              ))}
            </ul>
          )}
          {!canManage && <p className="text-xs text-slate-500 dark:text-slate-400">Only owners can change the list.</p>}
        </div>
      </Card>
      <Card title={<>Platform entries <Badge>read-only</Badge></>}>
        {global.length === 0 ? (
          <EmptyState title="No platform entries" />
        ) : (
          <ul className="space-y-1">
            {global.map((entry) => (
              <li key={entry} className="break-all font-mono text-sm text-slate-700 dark:text-slate-300">
                {entry}
              </li>
            ))}
          </ul>
        )}
        <p className="mt-3 text-xs text-slate-500 dark:text-slate-400">Set by Signet administrators; they apply to every tenant.</p>
      </Card>
    </div>
  );
}
