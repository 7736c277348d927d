import { formatCount } from '@/components/format';
import { usdExact } from '@/components/usd';
import type { Tier, TierSchedule } from '@/server/billing/catalog';

/** Graduated tiers in words: "first 50,000 at $0.005, next 450,000 at $0.004, then $0.003 each". */
export function tierRangeText(tiers: readonly Tier[]): string {
  let previous = 0n;
  const parts = tiers.map((tier, i) => {
    const price = usdExact(tier.unitPrice);
    if (tier.upTo === null) return i === 0 ? `${price} each` : `then ${price} each`;
    const count = formatCount(tier.upTo - previous);
    previous = tier.upTo;
    return `${i === 0 ? 'first' : 'next'} ${count} at ${price}`;
  });
  return parts.join(', ');
}

export function TierRanges({ tiers }: { tiers: TierSchedule }) {
  return (
    <ul className="space-y-1 text-sm text-slate-700 dark:text-slate-300" data-testid="tier-ranges">
      <li>
        <span className="font-medium">Overage per VEx:</span> {tierRangeText(tiers.vex)}
      </li>
      <li>
        <span className="font-medium">Overage per FU token:</span> {tierRangeText(tiers.fu)}
      </li>
    </ul>
  );
}
