'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { DateTime } from '@/components/date-time';
import { formatCount } from '@/components/format';
import { Table, Td, Th } from '@/components/table';
import { Alert, Badge, Button, Card, EmptyState, Select, Spinner } from '@/components/ui';
import { readableError } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc-client';
import type { PublicApiKey } from '@/server/apikeys/status';
import { CreateKeyForm } from './create-key-form';
import { SecretPanel } from './secret-panel';

const OVERLAPS = [
  { value: '1h', label: '1 hour' },
  { value: '24h', label: '24 hours' },
  { value: '7d', label: '7 days' },
] as const;
type Overlap = (typeof OVERLAPS)[number]['value'];

const statusTone = { active: 'green', expired: 'amber', revoked: 'red' } as const;

export function KeysManager({ canManage }: { canManage: boolean }) {
  const trpc = useTRPC();
  const keys = useQuery(trpc.apiKeys.list.queryOptions());
  const [secret, setSecret] = useState<{ title: string; value: string; note?: string; snippetKey?: string } | null>(null);

  return (
    <div className="space-y-6">
      {secret && <SecretPanel title={secret.title} secret={secret.value} note={secret.note} snippetKey={secret.snippetKey} onDone={() => setSecret(null)} />}
      {canManage && <CreateKeyForm onCreated={(value, name) => setSecret({ title: `Key “${name}” created`, value, snippetKey: `first-exchange-${crypto.randomUUID().slice(0, 8)}` })} />}
      <Card title="Keys">
        {keys.isPending ? (
          <Spinner label="Loading keys" />
        ) : keys.isError ? (
          <Alert tone="error">Could not load keys: {readableError(keys.error)}</Alert>
        ) : keys.data.length === 0 ? (
          <EmptyState title="No API keys yet">{canManage ? 'Create one above to start calling the API.' : 'Ask an owner to create one.'}</EmptyState>
        ) : (
          <Table caption="API keys" pinLastColumn={canManage}>
            <thead>
              <tr>
                <Th>Key</Th>
                <Th>Status</Th>
                <Th>Created</Th>
                <Th>Last used</Th>
                <Th>Expires</Th>
                <Th>Settings</Th>
                {canManage && <Th className="text-right">Actions</Th>}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {keys.data.map((key) => (
                <KeyRow key={key.id} apiKey={key} canManage={canManage} onRotated={(value, until) => setSecret({ title: `Key “${key.name}” rotated`, value, note: `The old key keeps working until ${until.toLocaleString()}.` })} />
              ))}
            </tbody>
          </Table>
        )}
      </Card>
    </div>
  );
}

function KeySettings({ apiKey }: { apiKey: PublicApiKey }) {
  const fallback = apiKey.fallbackEnabled === null ? 'tenant setting' : apiKey.fallbackEnabled ? 'on' : 'off';
  return (
    <dl className="space-y-0.5 text-xs text-slate-600 dark:text-slate-400">
      <div>
        <dt className="inline font-medium">Allowlist: </dt>
        <dd className="inline font-mono">{apiKey.allowlist.length ? apiKey.allowlist.join(', ') : 'tenant only'}</dd>
      </div>
      <div>
        <dt className="inline font-medium">Fallback: </dt>
        <dd className="inline">
          {fallback}
          {apiKey.fuMonthlyLimit !== null && `, ${formatCount(apiKey.fuMonthlyLimit)} FU/month`}
        </dd>
      </div>
    </dl>
  );
}

function KeyRow({ apiKey, canManage, onRotated }: { apiKey: PublicApiKey; canManage: boolean; onRotated: (secret: string, oldUntil: Date) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() });
  const revoke = useMutation(trpc.apiKeys.revoke.mutationOptions({ onSuccess: refresh }));
  const rotate = useMutation(trpc.apiKeys.rotate.mutationOptions({ onSuccess: refresh }));
  const [confirm, setConfirm] = useState<'revoke' | 'rotate' | null>(null);
  const [overlap, setOverlap] = useState<Overlap>('24h');
  const [error, setError] = useState<string | null>(null);
  const usable = apiKey.status === 'active';

  async function run(action: () => Promise<unknown>) {
    setError(null);
    try {
      await action();
      setConfirm(null);
    } catch (err) {
      setError(readableError(err));
    }
  }

  return (
    <>
      <tr>
        <Td className="min-w-32">
          <span className="block font-medium text-slate-900 dark:text-slate-100">{apiKey.name}</span>
          <span className="block font-mono text-xs text-slate-500 dark:text-slate-400">{apiKey.prefix}</span>
        </Td>
        <Td>
          {apiKey.rotatingOut ? (
            <span className="flex flex-col items-start gap-0.5" data-testid="rotating-out">
              <Badge tone="amber">rotating out</Badge>
              <span className="text-xs text-slate-600 dark:text-slate-400">
                expires <DateTime value={apiKey.expiresAt} />
              </span>
            </span>
          ) : (
            <Badge tone={statusTone[apiKey.status]}>{apiKey.status}</Badge>
          )}
        </Td>
        <Td>
          <DateTime value={apiKey.createdAt} />
        </Td>
        <Td>
          <DateTime value={apiKey.lastUsedAt} empty="never" />
        </Td>
        <Td>
          <DateTime value={apiKey.revokedAt ? null : apiKey.expiresAt} empty={apiKey.revokedAt ? '—' : 'never'} />
        </Td>
        <Td>
          <KeySettings apiKey={apiKey} />
        </Td>
        {canManage && (
          <Td className="text-right">
            {usable && (
              <div className="flex flex-col items-stretch gap-1.5">
                <Button variant="secondary" onClick={() => setConfirm('rotate')} aria-label={`Rotate ${apiKey.name}`}>
                  Rotate
                </Button>
                <Button variant="danger" onClick={() => setConfirm('revoke')} aria-label={`Revoke ${apiKey.name}`}>
                  Revoke
                </Button>
              </div>
            )}
          </Td>
        )}
      </tr>
      {confirm && (
        <tr className="bg-slate-50 dark:bg-slate-800/50">
          <Td colSpan={7}>
            <div className="flex flex-wrap items-center gap-3">
              {confirm === 'revoke' ? (
                <>
                  <span className="text-sm text-slate-800 dark:text-slate-200">
                    Revoke <strong>{apiKey.name}</strong>? Apps using it are refused at once. This cannot be undone.
                  </span>
                  <Button variant="danger" disabled={revoke.isPending} onClick={() => run(() => revoke.mutateAsync({ id: apiKey.id }))}>
                    {revoke.isPending ? 'Revoking…' : 'Yes, revoke'}
                  </Button>
                </>
              ) : (
                <>
                  <label htmlFor={`overlap-${apiKey.id}`} className="text-sm text-slate-800 dark:text-slate-200">
                    Keep the old key working for
                  </label>
                  <Select id={`overlap-${apiKey.id}`} className="w-auto" value={overlap} onChange={(e) => setOverlap(e.target.value as Overlap)}>
                    {OVERLAPS.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </Select>
                  <Button
                    disabled={rotate.isPending}
                    onClick={() =>
                      run(async () => {
                        const rotated = await rotate.mutateAsync({ id: apiKey.id, overlap });
                        onRotated(rotated.secret, rotated.previousExpiresAt);
                      })
                    }
                  >
                    {rotate.isPending ? 'Rotating…' : 'Rotate now'}
                  </Button>
                </>
              )}
              <Button variant="ghost" onClick={() => setConfirm(null)}>
                Cancel
              </Button>
              {error && <p role="alert" className="w-full text-sm text-red-700 dark:text-red-300">{error}</p>}
            </div>
          </Td>
        </tr>
      )}
    </>
  );
}
