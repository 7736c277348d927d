import { describe, expect, it } from 'vitest';
import { billingPeriod, calendarMonth } from './period';

const d = (iso: string) => new Date(iso);

describe('billing period', () => {
  it('is the calendar month in UTC, half-open', () => {
    expect(calendarMonth(d('2026-01-31T23:59:59.999Z'))).toEqual({ start: d('2026-01-01T00:00:00Z'), end: d('2026-02-01T00:00:00Z') });
    expect(calendarMonth(d('2026-02-01T00:00:00Z'))).toEqual({ start: d('2026-02-01T00:00:00Z'), end: d('2026-03-01T00:00:00Z') });
    expect(calendarMonth(d('2026-12-15T00:00:00+05:00'))).toEqual({ start: d('2026-12-01T00:00:00Z'), end: d('2027-01-01T00:00:00Z') });
    expect(calendarMonth(d('2028-02-29T12:00:00Z')).end).toEqual(d('2028-03-01T00:00:00Z'));
  });

  it("uses the subscription's period when it contains the moment", () => {
    const sub = { start: d('2026-01-15T10:00:00Z'), end: d('2026-02-15T10:00:00Z') };
    expect(billingPeriod(d('2026-02-01T00:00:00Z'), sub)).toEqual(sub);
    expect(billingPeriod(d('2026-01-15T10:00:00Z'), sub)).toEqual(sub);
  });

  it('falls back to the calendar month outside a stale or missing subscription period', () => {
    const sub = { start: d('2026-01-15T10:00:00Z'), end: d('2026-02-15T10:00:00Z') };
    expect(billingPeriod(d('2026-02-15T10:00:00Z'), sub).start).toEqual(d('2026-02-01T00:00:00Z'));
    expect(billingPeriod(d('2026-03-02T00:00:00Z'), { start: null, end: null }).start).toEqual(d('2026-03-01T00:00:00Z'));
    expect(billingPeriod(d('2026-03-02T00:00:00Z')).end).toEqual(d('2026-04-01T00:00:00Z'));
  });

  it('rejects an invalid date', () => {
    expect(() => calendarMonth(new Date('nope'))).toThrow(/invalid date/);
  });
});
