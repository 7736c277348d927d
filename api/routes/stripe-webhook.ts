// POST /v1/stripe/webhook: Stripe's subscription events. The raw body's Stripe-Signature is
// verified with STRIPE_WEBHOOK_SECRET (400 otherwise); a replayed event id is a 200 no-op.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { loadConfig } from '@/server/config';
import { receiveStripeWebhook } from '@/server/billing/webhook';
import { checkedByHandler, errorResponses } from '../openapi';

const webhookRoute = createRoute({
  method: 'post',
  path: '/v1/stripe/webhook',
  summary: 'Stripe webhook endpoint (checkout.session.completed, customer.subscription.*, invoice.paid, invoice.payment_failed)',
  request: {
    headers: z.object({ 'Stripe-Signature': z.string().openapi({ description: "Stripe's signature of the raw body (missing or invalid: 400 WEBHOOK_SIGNATURE_INVALID)" }) }),
    body: { content: { 'application/json': { schema: z.object({ id: z.string(), type: z.string() }).passthrough().openapi({ description: 'A Stripe event, verified over its raw bytes' }) } } },
  },
  responses: {
    200: { description: 'Received: applied, ignored, or a duplicate', content: { 'application/json': { schema: z.object({ received: z.literal(true), result: z.enum(['applied', 'ignored', 'duplicate']) }) } } },
    ...errorResponses([400, 503], { 400: 'Missing or invalid signature' }),
  },
});

export function registerStripeWebhookRoute(app: OpenAPIHono) {
  // The signature covers the raw bytes, so the body is read as bytes, never parsed first.
  app.openapi(checkedByHandler(app, webhookRoute), async (c) => {
    const secret = loadConfig().stripeWebhookSecret ?? '';
    const raw = new Uint8Array(await c.req.arrayBuffer());
    const outcome = await receiveStripeWebhook(raw, c.req.header('stripe-signature'), secret);
    return c.json({ received: true as const, result: outcome.result }, 200);
  });
}
