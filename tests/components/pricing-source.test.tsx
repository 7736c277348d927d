// The plan-change confirmation names who priced the change, and a failed Stripe preview shows
// Stripe's error and labels the figure as Signet's estimate. Rendered to static markup.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { PricingSource, StripePreviewFailed } from '@/app/dashboard/billing/pricing-source';

const text = (html: string) => html.replace(/<[^>]+>/g, '').replaceAll('&#x27;', "'");

describe('pricing source', () => {
  it('names Stripe or Signet, and why Signet', () => {
    expect(text(renderToStaticMarkup(<PricingSource pricing={{ source: 'stripe', prorationDate: '2026-12-21T00:00:00.000Z' }} />))).toBe("Priced by Stripe's invoice preview");
    expect(text(renderToStaticMarkup(<PricingSource pricing={{ source: 'local', reason: 'local_provider' }} />))).toBe('Computed by Signet (local billing, no Stripe)');
    expect(text(renderToStaticMarkup(<PricingSource pricing={{ source: 'local', reason: 'downgrade' }} />))).toBe('Computed by Signet: a downgrade charges nothing now');
    expect(text(renderToStaticMarkup(<PricingSource pricing={{ source: 'local', reason: 'stripe_failed', error: 'boom' }} />))).toBe("Signet's own estimate, not Stripe's");
  });

  it("shows Stripe's error, says the figure is Signet's, and offers to ask again", () => {
    const html = renderToStaticMarkup(<StripePreviewFailed error="No such subscription: 'sub_gone'" retrying={false} onRetry={() => {}} />);
    expect(text(html)).toContain("Stripe could not preview this change: No such subscription: 'sub_gone'. The amount below is Signet's own estimate, not Stripe's");
    expect(html).toMatch(/role="alert"/);
    expect(html).toMatch(/<button[^>]*>Ask Stripe again<\/button>/);
    expect(renderToStaticMarkup(<StripePreviewFailed error="x" retrying onRetry={() => {}} />)).toMatch(/<button[^>]*disabled=""[^>]*>Asking Stripe…<\/button>/);
  });
});
