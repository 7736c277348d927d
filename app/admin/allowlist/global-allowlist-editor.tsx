'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Alert, Badge, Button, Card, EmptyState, Field, Input, Spinner } from '@/components/ui';
import { inputIssues, readableError } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc-client';

interface Row {
  key: number;
  value: string;
}

let nextKey = 0;
const toRows = (entries: string[]): Row[] => entries.map((value) => ({ key: nextKey++, value }));

/** The server checks each entry; its zod issues point at ['entries', index]. */
/** Input problems by the entry they are about; anything else is shown as a whole instead. */
function errorsByIndex(err: unknown): Map<number, string> {
  const byIndex = new Map<number, string>();
  for (const issue of inputIssues(err)) {
    if (issue.path[0] === 'entries' && typeof issue.path[1] === 'number') byIndex.set(issue.path[1], issue.message);
  }
  return byIndex;
}

export function GlobalAllowlistEditor() {
  const trpc = useTRPC();
  const allowlist = useQuery(trpc.admin.globalAllowlist.queryOptions());
  if (allowlist.isPending) return <Spinner label="Loading the allowlist" />;
  if (allowlist.isError) return <Alert tone="error">Could not load the allowlist: {readableError(allowlist.error)}</Alert>;
  return (
    <div className="space-y-6">
      <Card title="From the environment">
        <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
          Set with <code className="rounded bg-slate-100 dark:bg-slate-800 px-1">SP_HEL_ALLOWLIST</code> when the server starts; read-only here.
        </p>
        {allowlist.data.fromEnvironment.length === 0 ? (
          <p className="text-sm text-slate-500 dark:text-slate-400">No entries from the environment.</p>
        ) : (
          <ul className="flex flex-wrap gap-2" aria-label="Entries from the environment">
            {allowlist.data.fromEnvironment.map((entry) => (
              <li key={entry}>
                <Badge>{entry}</Badge>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title="Admin entries">
        <EntriesForm saved={allowlist.data.entries} />
      </Card>
    </div>
  );
}

function EntriesForm({ saved }: { saved: string[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [rows, setRows] = useState(() => toRows(saved));
  const [addedKey, setAddedKey] = useState<number | null>(null);
  const save = useMutation(
    trpc.admin.saveGlobalAllowlist.mutationOptions({
      onSuccess: (result) => {
        setRows(toRows(result.entries));
        queryClient.setQueryData(trpc.admin.globalAllowlist.queryKey(), (old) => old && { ...old, entries: result.entries });
      },
    }),
  );
  const fieldErrors = save.error ? errorsByIndex(save.error) : new Map<number, string>();
  const values = rows.map((r) => r.value.trim());
  const submitted = values.filter((v) => v !== '');
  const dirty = JSON.stringify(values) !== JSON.stringify(saved);

  function edit(next: Row[]) {
    save.reset();
    setRows(next);
  }
  function add() {
    const row = { key: nextKey++, value: '' };
    setAddedKey(row.key);
    edit([...rows, row]);
  }

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ entries: submitted });
      }}
      className="space-y-4"
    >
      {rows.length === 0 ? (
        <EmptyState title="No admin entries">Add a host every tenant may forward to.</EmptyState>
      ) : (
        <ul className="space-y-3">
          {rows.map((row, index) => {
            // Empty rows are not sent, so the server's index counts only the filled rows before this one.
            const error = row.value.trim() === '' ? undefined : fieldErrors.get(values.slice(0, index).filter((v) => v !== '').length);
            return (
              <li key={row.key}>
                <Field label={`Allowlist entry ${index + 1}`} hideLabel error={error}>
                  <div className="flex gap-2">
                    <Input
                      value={row.value}
                      onChange={(e) => edit(rows.map((r) => (r.key === row.key ? { ...r, value: e.target.value } : r)))}
                      placeholder="api.example.com"
                      autoComplete="off"
                      spellCheck={false}
                      autoFocus={row.key === addedKey}
                      className="font-mono"
                    />
                    <Button variant="ghost" onClick={() => edit(rows.filter((r) => r.key !== row.key))} aria-label={`Remove ${row.value || `entry ${index + 1}`}`}>
                      Remove
                    </Button>
                  </div>
                </Field>
              </li>
            );
          })}
        </ul>
      )}
      {save.isError && fieldErrors.size === 0 && <Alert tone="error">Could not save: {readableError(save.error)}</Alert>}
      {save.isSuccess && !dirty && <Alert tone="success">Saved. Exchanges use the new list within a few seconds.</Alert>}
      <div className="flex flex-wrap gap-2">
        <Button variant="secondary" onClick={add}>
          Add entry
        </Button>
        <Button type="submit" disabled={!dirty || save.isPending}>
          {save.isPending ? 'Saving…' : 'Save allowlist'}
        </Button>
        {dirty && (
          <Button variant="ghost" onClick={() => edit(toRows(saved))}>
            Discard changes
          </Button>
        )}
      </div>
    </form>
  );
}
