'use client';
import { CopyButton } from '@/components/copy-button';
import { KeySnippets } from '@/components/key-snippets';
import { Button, Input } from '@/components/ui';

/** The only moment a key's secret is visible: copy it, then dismiss it for good. */
export function SecretPanel({ title, secret, note, onDone, snippetKey }: { title: string; secret: string; note?: string; onDone: () => void; snippetKey?: string }) {
  return (
    <section aria-labelledby="secret-title" className="space-y-3 rounded-lg bg-amber-50 dark:bg-amber-950/40 p-4 ring-1 ring-amber-300 dark:ring-amber-800 sm:p-5">
      <h2 id="secret-title" className="text-sm font-semibold text-amber-950 dark:text-amber-200">
        {title}
      </h2>
      <p className="text-sm text-amber-900 dark:text-amber-200">
        <strong>Copy this secret now — you won&apos;t see it again.</strong> Signet stores only its hash. {note}
      </p>
      <div className="flex flex-col gap-2 sm:flex-row">
        <label htmlFor="new-secret" className="sr-only">
          API key secret
        </label>
        <Input id="new-secret" readOnly value={secret} className="font-mono" onFocus={(e) => e.currentTarget.select()} />
        <CopyButton value={secret} label="Copy secret" />
        <Button variant="ghost" className="shrink-0 whitespace-nowrap" onClick={onDone}>
          I&apos;ve saved it
        </Button>
      </div>
      {snippetKey && (
        <div className="space-y-2 border-t border-amber-200 dark:border-amber-800 pt-3">
          <h3 className="text-sm font-semibold text-amber-950 dark:text-amber-200">Send your first exchange with this key</h3>
          <KeySnippets apiKey={secret} idempotencyKey={snippetKey} />
          <p className="text-sm text-amber-900 dark:text-amber-200">
            The answer holds the signed receipt; it then appears under <a className="font-medium underline" href="/dashboard/receipts">Receipts</a>.
          </p>
        </div>
      )}
    </section>
  );
}
