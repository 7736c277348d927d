// The billing period that contains a moment: the Stripe subscription's current period when one
// is known and contains it, otherwise the calendar month in UTC. Periods are half-open [start, end).

export interface BillingPeriod {
  start: Date;
  end: Date;
}

export function calendarMonth(at: Date): BillingPeriod {
  if (Number.isNaN(at.getTime())) throw new Error('invalid date');
  const start = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  const end = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
  return { start, end };
}

/**
 * A stored subscription period that no longer contains `at` (the renewal webhook has not
 * arrived yet) falls back to the calendar month rather than extending a stale period.
 */
export function billingPeriod(at: Date, subscription?: { start: Date | null; end: Date | null } | null): BillingPeriod {
  const { start, end } = subscription ?? {};
  if (start && end && start < end && start <= at && at < end) return { start, end };
  return calendarMonth(at);
}
