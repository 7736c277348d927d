'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { CopyButton } from '@/components/copy-button';
import { DateTime } from '@/components/date-time';
import { Table, Td, Th } from '@/components/table';
import { Alert, Badge, Button, Card, EmptyState, Field, Input, Select, Spinner } from '@/components/ui';
import { formErrors, noFormErrors, readableError } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc-client';

type Role = 'owner' | 'member';

export function TeamManager({ canManage, currentUserId }: { canManage: boolean; currentUserId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const team = useQuery(trpc.team.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.team.list.queryKey() });
  const changeRole = useMutation(trpc.team.changeRole.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.team.remove.mutationOptions({ onSuccess: refresh }));
  const revokeInvitation = useMutation(trpc.team.revokeInvitation.mutationOptions({ onSuccess: refresh }));
  const [error, setError] = useState<string | null>(null);
  const [confirmRemove, setConfirmRemove] = useState<string | null>(null);

  async function run(action: () => Promise<unknown>) {
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(readableError(err));
    }
  }

  return (
    <div className="space-y-6">
      {canManage && <AddMemberForm onAdded={refresh} />}
      {error && <Alert tone="error">{error}</Alert>}
      <Card title="Members">
        {team.isPending ? (
          <Spinner label="Loading the team" />
        ) : team.isError ? (
          <Alert tone="error">Could not load the team: {readableError(team.error)}</Alert>
        ) : (
          <Table caption="Members" pinLastColumn={canManage}>
            <thead>
              <tr>
                <Th>Member</Th>
                <Th>Role</Th>
                <Th className="max-sm:hidden">Since</Th>
                {canManage && <Th className="text-right">Actions</Th>}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {team.data.members.map((m) => (
                <tr key={m.user.id}>
                  <Td className="font-medium text-slate-900 dark:text-slate-100">
                    {m.user.name || '—'} {m.user.id === currentUserId && <Badge>you</Badge>}
                    {/* The email under the name: on phones the role and actions fit beside it. */}
                    <span className="block break-all font-normal text-slate-600 dark:text-slate-400">{m.user.email}</span>
                  </Td>
                  <Td>
                    {canManage ? (
                      <>
                        <label htmlFor={`role-${m.user.id}`} className="sr-only">
                          Role of {m.user.email}
                        </label>
                        <Select
                          id={`role-${m.user.id}`}
                          className="w-auto min-w-28"
                          value={m.role}
                          disabled={changeRole.isPending}
                          onChange={(e) => run(() => changeRole.mutateAsync({ userId: m.user.id, role: e.target.value as Role }))}
                        >
                          <option value="owner">owner</option>
                          <option value="member">member</option>
                        </Select>
                      </>
                    ) : (
                      <Badge tone={m.role === 'owner' ? 'indigo' : 'slate'}>{m.role}</Badge>
                    )}
                  </Td>
                  <Td className="max-sm:hidden">
                    <DateTime value={m.createdAt} />
                  </Td>
                  {canManage && (
                    <Td className="text-right">
                      {confirmRemove === m.user.id ? (
                        <span className="inline-flex flex-wrap justify-end gap-2">
                          <Button variant="danger" onClick={() => run(async () => { await remove.mutateAsync({ userId: m.user.id }); setConfirmRemove(null); })}>
                            Yes, remove
                          </Button>
                          <Button variant="ghost" onClick={() => setConfirmRemove(null)}>
                            Cancel
                          </Button>
                        </span>
                      ) : (
                        <Button variant="danger" onClick={() => setConfirmRemove(m.user.id)} aria-label={`Remove ${m.user.email}`}>
                          Remove
                        </Button>
                      )}
                    </Td>
                  )}
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
      {team.data && (
        <Card title="Pending invitations">
          {team.data.invitations.length === 0 ? (
            <EmptyState title="No pending invitations" />
          ) : (
            <ul className="divide-y divide-slate-100 dark:divide-slate-800">
              {team.data.invitations.map((inv) => (
                <li key={inv.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                  <span>
                    <span className="font-medium text-slate-900 dark:text-slate-100">{inv.email}</span> as {inv.role} · expires <DateTime value={inv.expiresAt} />
                  </span>
                  {canManage && (
                    <Button variant="ghost" className="text-red-700 dark:text-red-300" onClick={() => run(() => revokeInvitation.mutateAsync({ id: inv.id }))} aria-label={`Cancel the invitation for ${inv.email}`}>
                      Cancel invitation
                    </Button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </Card>
      )}
    </div>
  );
}

const MEMBER_FIELDS = ['email', 'role'] as const;

function AddMemberForm({ onAdded }: { onAdded: () => void }) {
  const trpc = useTRPC();
  const add = useMutation(trpc.team.add.mutationOptions({ onSuccess: onAdded }));
  const [errors, setErrors] = useState(noFormErrors<(typeof MEMBER_FIELDS)[number]>);
  const [result, setResult] = useState<{ text: string; link?: string } | null>(null);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    setErrors(noFormErrors());
    setResult(null);
    try {
      const added = await add.mutateAsync({ email: String(form.get('email')), role: form.get('role') as Role });
      formEl.reset();
      setResult(
        added.kind === 'added'
          ? { text: `${added.email} already had an account and is now a member.` }
          : added.emailed
            ? { text: `Invitation emailed to ${added.email}. The link in it works for 7 days.` }
            : {
                text: `Invitation created for ${added.email}, but it could not be emailed (this Signet has no working SMTP server). Send them this link — it is shown only once and works for 7 days.`,
                link: `${window.location.origin}/invite/${added.token}`,
              },
      );
    } catch (err) {
      // An invalid address under Email, an invalid role under Role; anything else (already a member, a throttle) above the form.
      setErrors(formErrors(err, MEMBER_FIELDS));
    }
  }

  return (
    <Card title="Add a member">
      {errors.message && (
        <div className="mb-4">
          <Alert tone="error">{errors.message}</Alert>
        </div>
      )}
      <form onSubmit={onSubmit} className="grid gap-4 sm:grid-cols-[1fr_12rem_auto] sm:items-start" noValidate>
        <Field label="Email" error={errors.fields.email}>
          <Input name="email" type="email" required autoComplete="off" />
        </Field>
        <Field label="Role" error={errors.fields.role}>
          <Select name="role" defaultValue="member">
            <option value="member">member</option>
            <option value="owner">owner</option>
          </Select>
        </Field>
        <Button type="submit" className="sm:mt-6" disabled={add.isPending}>
          {add.isPending ? 'Adding…' : 'Add'}
        </Button>
      </form>
      {result && (
        <div className="mt-4 space-y-2">
          <Alert tone="success">{result.text}</Alert>
          {result.link && (
            <div className="flex flex-col gap-2 sm:flex-row">
              <label htmlFor="invite-link" className="sr-only">
                Invitation link
              </label>
              <Input id="invite-link" readOnly value={result.link} className="font-mono" onFocus={(e) => e.currentTarget.select()} />
              <CopyButton value={result.link} label="Copy link" />
            </div>
          )}
        </div>
      )}
    </Card>
  );
}
