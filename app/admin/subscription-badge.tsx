import { Badge } from '@/components/ui';

const tones: Record<string, 'green' | 'amber' | 'red'> = {
  active: 'green',
  trialing: 'green',
  past_due: 'amber',
  incomplete: 'amber',
  unpaid: 'amber',
  canceled: 'red',
  incomplete_expired: 'red',
};

/** A tenant's subscription status as Stripe names it ("none" before any subscription). */
export function SubscriptionBadge({ status }: { status: string }) {
  return <Badge tone={tones[status] ?? 'slate'}>{status.replace(/_/g, ' ')}</Badge>;
}
