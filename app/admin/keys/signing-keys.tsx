'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { CopyButton } from '@/components/copy-button';
import { DateTime } from '@/components/date-time';
import { truncateMiddle } from '@/components/format';
import { Table, Td, Th } from '@/components/table';
import { Alert, Badge, Button, Card, EmptyState, Spinner } from '@/components/ui';
import { readableError } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc-client';

export function SigningKeys() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.admin.signingKeys.queryOptions());
  const [confirming, setConfirming] = useState(false);
  const rotate = useMutation(
    trpc.admin.rotateSigningKey.mutationOptions({
      onSuccess: () => {
        setConfirming(false);
        void queryClient.invalidateQueries({ queryKey: trpc.admin.signingKeys.queryKey() });
      },
    }),
  );

  return (
    <div className="space-y-6">
      <Card title="Rotation">
        <div className="space-y-3 text-sm text-slate-700 dark:text-slate-300">
          <p>Rotating creates a new key and makes it active on every instance within a few seconds. The current key is retired, not deleted.</p>
          {rotate.isSuccess && (
            <Alert tone="success">
              New active key <span className="font-mono">{rotate.data.kid}</span>
              {rotate.data.retired && (
                <>
                  ; <span className="font-mono">{rotate.data.retired}</span> is retired and still in the JWKS
                </>
              )}
              .
            </Alert>
          )}
          {rotate.isError && <Alert tone="error">Rotation failed: {readableError(rotate.error)}</Alert>}
          {confirming ? (
            <div role="group" aria-labelledby="rotate-confirm" className="space-y-3 rounded-md bg-amber-50 dark:bg-amber-950/40 p-4 ring-1 ring-inset ring-amber-200 dark:ring-amber-800">
              <p id="rotate-confirm" className="font-medium text-amber-900 dark:text-amber-200">
                Rotate the signing key now? New receipts will carry the new kid; verifiers that cached the JWKS must fetch it again.
              </p>
              <div className="flex flex-wrap gap-2">
                <Button variant="danger" onClick={() => rotate.mutate()} disabled={rotate.isPending} autoFocus>
                  {rotate.isPending ? 'Rotating…' : 'Yes, rotate the key'}
                </Button>
                <Button variant="secondary" onClick={() => setConfirming(false)} disabled={rotate.isPending}>
                  Cancel
                </Button>
              </div>
            </div>
          ) : (
            <Button onClick={() => { rotate.reset(); setConfirming(true); }}>Rotate signing key</Button>
          )}
        </div>
      </Card>

      <Card title="Keys">
        {keys.isPending ? (
          <Spinner label="Loading signing keys" />
        ) : keys.isError ? (
          <Alert tone="error">Could not load the signing keys: {readableError(keys.error)}</Alert>
        ) : keys.data.length === 0 ? (
          <EmptyState title="No signing keys">The server creates one when it starts.</EmptyState>
        ) : (
          <Table caption="Signing keys">
            <thead>
              <tr>
                <Th>Key id (kid)</Th>
                <Th>Public key (x)</Th>
                <Th>Status</Th>
                <Th>Created</Th>
                <Th>Retired</Th>
                <Th>Encrypted at rest</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {keys.data.map((k) => (
                <tr key={k.kid}>
                  <Td className="font-mono text-xs">{k.kid}</Td>
                  <Td>
                    <div className="flex items-center gap-2">
                      <span className="font-mono text-xs" title={k.publicKey}>
                        {truncateMiddle(k.publicKey, 8)}
                      </span>
                      <CopyButton value={k.publicKey} label="Copy" className="px-2 py-1 text-xs" />
                    </div>
                  </Td>
                  <Td>{k.active ? <Badge tone="green">active</Badge> : <Badge>retired</Badge>}</Td>
                  <Td>
                    <DateTime value={k.createdAt} />
                  </Td>
                  <Td>
                    <DateTime value={k.retiredAt} />
                  </Td>
                  <Td>{k.encrypted ? <Badge tone="green">yes</Badge> : <Badge tone="amber">no</Badge>}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
    </div>
  );
}
