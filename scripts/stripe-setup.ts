// npm run stripe:setup [-- --demo] [--out file] [--success-url url]
// Creates or updates Signet's Stripe products, prices, meters and payment links (idempotent),
// or with --demo prints the configuration it would create without calling Stripe. Prints JSON;
// the `plans` entries are what Plan.stripePriceId / Plan.paymentLink store.
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createStripe } from '../server/billing/stripe/client';
import { loadConfig } from '../server/config';
import { applyStripeCatalog, buildStripeCatalog } from '../server/billing/stripe/setup';

export async function main(argv: string[], env: Record<string, string | undefined> = process.env, stdout: (text: string) => void = (t) => process.stdout.write(t)): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { demo: { type: 'boolean', default: false }, out: { type: 'string' }, 'success-url': { type: 'string' } },
    strict: true,
  });
  const catalog = buildStripeCatalog({ successUrl: values['success-url'] ?? null });
  let output: unknown;
  if (values.demo) {
    output = { mode: 'demo', note: 'Nothing was sent to Stripe; these objects would be created or updated.', catalog };
  } else {
    const config = loadConfig(env);
    const key = config.stripeSecretKey;
    if (!key) throw new Error('STRIPE_SECRET_KEY is not set (use --demo to print the configuration without Stripe)');
    output = { mode: key.startsWith('sk_live_') ? 'live' : 'test', ...(await applyStripeCatalog(createStripe(key, {}, config.stripeApi), catalog)) };
  }
  const text = `${JSON.stringify(output, null, 2)}\n`;
  if (values.out) writeFileSync(values.out, text);
  else stdout(text);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(`stripe:setup failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
