// POST /v1/stripe/webhook: Stripe's subscription events. The raw body's Stripe-Signature is
// verified with STRIPE_WEBHOOK_SECRET (400 otherwise); a replayed event id is a 200 no-op.
import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { loadConfig } from '@/server/config';
import { receiveStripeWebhook } from '@/server/billing/webhook';
import { errorEnvelope } from '../openapi';

export function registerStripeWebhookRoute(app: OpenAPIHono) {
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/v1/stripe/webhook',
    summary: 'Stripe webhook endpoint (checkout.session.completed, customer.subscription.*, invoice.paid, invoice.payment_failed)',
    request: { headers: z.object({ 'Stripe-Signature': z.string() }) },
    responses: {
      200: { description: 'Received: applied, ignored, or a duplicate', content: { 'application/json': { schema: z.object({ received: z.literal(true), result: z.enum(['applied', 'ignored', 'duplicate']) }) } } },
      400: { description: 'Missing or invalid signature', content: { 'application/json': { schema: errorEnvelope } } },
    },
  });

  app.post('/v1/stripe/webhook', async (c) => {
    const secret = loadConfig().stripeWebhookSecret ?? '';
    const raw = new Uint8Array(await c.req.arrayBuffer());
    const outcome = await receiveStripeWebhook(raw, c.req.header('stripe-signature'), secret);
    return c.json({ received: true, result: outcome.result });
  });
}
