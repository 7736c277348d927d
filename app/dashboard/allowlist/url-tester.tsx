'use client';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Alert, Button, Card, Field, Input } from '@/components/ui';
import { readableError } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc-client';

/** Runs the real forward policy (with DNS) on the server against today's lists. */
export function UrlTester() {
  const trpc = useTRPC();
  const test = useMutation(trpc.allowlist.test.mutationOptions());
  const [url, setUrl] = useState('');

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    test.mutate({ url });
  }

  const decision = test.data;
  return (
    <Card title="Test this URL">
      <form onSubmit={onSubmit} className="flex flex-col gap-2 sm:flex-row sm:items-start" noValidate>
        <div className="flex-1">
          <Field label="Forward URL" hint="Checked exactly as an exchange's forward_url would be, including DNS resolution.">
            <Input type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://api.partner.com/hook" className="font-mono" />
          </Field>
        </div>
        <Button type="submit" className="sm:mt-6" disabled={test.isPending || url.trim() === ''}>
          {test.isPending ? 'Checking…' : 'Test'}
        </Button>
      </form>
      <div className="mt-4" aria-live="polite">
        {test.isError && <Alert tone="error">{readableError(test.error)}</Alert>}
        {decision?.allowed === true && (
          <Alert tone="success">
            <p className="font-medium">Allowed — {decision.url}</p>
            <p className="mt-1">
              Would connect to port {decision.port} at: <span className="font-mono">{decision.addresses.join(', ')}</span>
            </p>
          </Alert>
        )}
        {decision?.allowed === false && (
          <Alert tone="warning">
            <p className="font-mono font-medium">{decision.code}</p>
            <p className="mt-1">{decision.message}</p>
          </Alert>
        )}
      </div>
    </Card>
  );
}
