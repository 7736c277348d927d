'use client';
import { CopyButton } from '@/components/copy-button';
import { Button, Input } from '@/components/ui';

/** The only moment a key's secret is visible: copy it, then dismiss it for good. */
export function SecretPanel({ title, secret, note, onDone }: { title: string; secret: string; note?: string; onDone: () => void }) {
  return (
    <section aria-labelledby="secret-title" className="space-y-3 rounded-lg bg-amber-50 p-4 ring-1 ring-amber-300 sm:p-5">
      <h2 id="secret-title" className="text-sm font-semibold text-amber-950">
        {title}
      </h2>
      <p className="text-sm text-amber-900">
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
    </section>
  );
}
