import Link from 'next/link';
import type { ReactNode } from 'react';
import { Card } from '@/components/ui';
import type { OnboardingState } from '@/server/tenants/onboarding';

function Step({ done, title, children }: { done: boolean; title: string; children: ReactNode }) {
  return (
    <li className="flex gap-3" data-testid="onboarding-step" data-done={done}>
      <span
        aria-hidden
        className={
          done
            ? 'mt-0.5 flex h-5 w-5 shrink-0 items-center justify-center rounded-full bg-emerald-600 text-xs text-white'
            : 'mt-0.5 h-5 w-5 shrink-0 rounded-full ring-2 ring-inset ring-slate-400 dark:ring-slate-500'
        }
      >
        {done ? '✓' : ''}
      </span>
      <div className="min-w-0 text-sm">
        <p className={done ? 'font-medium text-slate-600 line-through dark:text-slate-400' : 'font-medium text-slate-900 dark:text-slate-100'}>
          {title}
          <span className="sr-only">{done ? ' (done)' : ' (to do)'}</span>
        </p>
        {!done && <div className="mt-1 text-slate-700 dark:text-slate-300">{children}</div>}
      </div>
    </li>
  );
}

const link = 'font-medium text-indigo-700 underline hover:text-indigo-900 dark:text-indigo-300 dark:hover:text-indigo-200';

/** Shown until every step is done; each step ticks itself off from what Signet has stored. */
export function GettingStarted({ state, isOwner }: { state: OnboardingState; isOwner: boolean }) {
  const steps = [state.keyCreated, state.firstTraceId !== null, state.receiptViewed, state.receiptVerified, state.planChosen];
  const done = steps.filter(Boolean).length;
  if (done === steps.length) return null;
  return (
    <Card title={`Getting started: ${done} of ${steps.length} done`}>
      <ol className="space-y-4" aria-label="Getting started">
        <Step done={state.keyCreated} title="1. Create an API key">
          {isOwner ? (
            <>
              Go to <Link className={link} href="/dashboard/keys">API keys</Link> and create one. Copy its secret: it is shown once, with a ready-to-run first exchange.
            </>
          ) : (
            'Ask the owner of this tenant to create one on the API keys page.'
          )}
        </Step>
        <Step done={state.firstTraceId !== null} title="2. Send your first exchange">
          Run the snippet shown when you created the key (curl, TypeScript or Python). Lost it? Create another key on <Link className={link} href="/dashboard/keys">API keys</Link>: each new key comes with its own snippet.
        </Step>
        <Step done={state.receiptViewed} title="3. See its receipt">
          {state.firstTraceId ? (
            <>
              <Link className={link} href={`/dashboard/receipts/${encodeURIComponent(state.firstTraceId)}`}>Open the receipt of your first exchange</Link>: the signed, hash-linked record of what was exchanged.
            </>
          ) : (
            'Once an exchange succeeds, its receipt appears under Receipts.'
          )}
        </Step>
        <Step done={state.receiptVerified} title="4. Verify it">
          The receipt page checks hashes and signatures in your browser against this Signet&apos;s published keys; you can also export the bundle and run <code className="font-mono">npx signet-verify</code>.
        </Step>
        <Step done={state.planChosen} title="5. Choose a plan">
          Without a plan nothing is included and every unit is billed as overage. <Link className={link} href="/dashboard/billing#plans">Compare plans</Link>.
        </Step>
      </ol>
    </Card>
  );
}
