// Who priced a plan change on the confirmation: Stripe's invoice preview, or Signet's own
// proration and why. When Stripe's preview failed, its error is shown and the figure is labelled
// Signet's estimate, never passed off as Stripe's.
import { Alert, Button } from '@/components/ui';

export type Pricing = { source: 'stripe'; prorationDate: string } | { source: 'local'; reason: 'local_provider' | 'downgrade' } | { source: 'local'; reason: 'stripe_failed'; error: string };

export function PricingSource({ pricing }: { pricing: Pricing }) {
  const text =
    pricing.source === 'stripe'
      ? "Priced by Stripe's invoice preview"
      : pricing.reason === 'local_provider'
        ? 'Computed by Signet (local billing, no Stripe)'
        : pricing.reason === 'downgrade'
          ? 'Computed by Signet: a downgrade charges nothing now'
          : "Signet's own estimate, not Stripe's";
  return (
    <span className="mt-1 block text-xs font-medium text-slate-700 dark:text-slate-300" data-testid="pricing-source">
      {text}
    </span>
  );
}

/** Stripe's error, what the figure is instead, and a way to ask Stripe again. */
export function StripePreviewFailed({ error, retrying, onRetry }: { error: string; retrying: boolean; onRetry: () => void }) {
  return (
    <div className="mt-3 space-y-2" data-testid="stripe-preview-failed">
      <Alert tone="error">
        Stripe could not preview this change: {error}. The amount below is Signet&apos;s own estimate, not Stripe&apos;s; Stripe&apos;s checkout or invoice shows the amount it charges.
      </Alert>
      <Button variant="secondary" onClick={onRetry} disabled={retrying}>
        {retrying ? 'Asking Stripe…' : 'Ask Stripe again'}
      </Button>
    </div>
  );
}
