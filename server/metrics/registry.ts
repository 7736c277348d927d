// Prometheus metrics with the names and labels of SPEC §5. The api_key label is the key's
// public prefix, never the secret.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'signet_process_' });

export const exchangesTotal = new Counter({
  name: 'signet_exchanges_total',
  help: 'Verified exchanges (VEx) completed',
  labelNames: ['tenant', 'api_key'] as const,
  registers: [registry],
});

export const deniedTotal = new Counter({
  name: 'signet_denied_total',
  help: 'Exchanges refused, by reason (error code)',
  labelNames: ['reason', 'tenant'] as const,
  registers: [registry],
});

export const fallbackUsedTotal = new Counter({
  name: 'signet_fallback_used_total',
  help: 'Exchanges repaired by the LLM fallback',
  labelNames: ['tenant'] as const,
  registers: [registry],
});

export const fuTokensTotal = new Counter({
  name: 'signet_fu_tokens_total',
  help: 'Fallback Units (LLM tokens) billed',
  labelNames: ['tenant'] as const,
  registers: [registry],
});

export const fallbackFailuresTotal = new Counter({
  name: 'signet_fallback_failures_total',
  help: 'LLM fallback attempts that failed (never billed), by reason',
  labelNames: ['tenant', 'reason'] as const,
  registers: [registry],
});

export const reservedCapacity = new Gauge({
  name: 'signet_reserved_capacity',
  help: 'Reserved capacity per tenant and meter',
  labelNames: ['tenant', 'type'] as const,
  registers: [registry],
});

export const overageChargesTotal = new Counter({
  name: 'signet_overage_charges_total',
  help: 'Overage charged (USD) by tenant, meter and tier, as sent for billing',
  labelNames: ['tenant', 'type', 'tier'] as const,
  registers: [registry],
});

export const exchangeDuration = new Histogram({
  name: 'signet_exchange_duration_seconds',
  help: 'Time spent per exchange phase; phase="added" is the total minus the forward and the LLM fallback calls',
  labelNames: ['phase'] as const,
  // 0.04: the guide's p95 added-latency objective is a bucket bound (monitoring/rules).
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.04, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const httpRequestsTotal = new Counter({
  name: 'signet_http_requests_total',
  help: 'API responses by route and status code (the availability SLI: 5xx over all)',
  labelNames: ['route', 'status'] as const,
  registers: [registry],
});

export const billingBatchesTotal = new Counter({
  name: 'signet_billing_batches_total',
  help: 'Billing batches resolved by the outbox, by meter and outcome (sent, skipped, failed)',
  labelNames: ['meter', 'outcome'] as const,
  registers: [registry],
});

// Every meter and outcome is exported from the start (at 0), so increase() sees a first failure.
for (const meter of ['vex', 'fu']) for (const outcome of ['sent', 'skipped', 'failed']) billingBatchesTotal.inc({ meter, outcome }, 0);

export const billingOutboxPendingBatches = new Gauge({
  name: 'signet_billing_outbox_pending_batches',
  help: 'Billing batches waiting to be sent, as of the outbox run',
  registers: [registry],
});

export const billingOutboxOldestPending = new Gauge({
  name: 'signet_billing_outbox_oldest_pending_timestamp_seconds',
  help: 'Creation time (Unix seconds) of the oldest pending billing batch; 0 when none is pending',
  registers: [registry],
});

export const logSize = new Gauge({
  name: 'signet_log_size',
  help: 'Leaves in the transparency log as of its newest signed checkpoint',
  registers: [registry],
});

export const logIntegrationSeconds = new Histogram({
  name: 'signet_log_integration_seconds',
  help: 'From a receipt commit to its leaf being in a signed checkpoint',
  buckets: [0.05, 0.1, 0.25, 0.5, 0.75, 1, 2, 5, 10, 30],
  registers: [registry],
});

export const logWitnessCosignaturesTotal = new Counter({
  name: 'signet_log_witness_cosignatures_total',
  help: 'Checkpoints pushed to each witness, by outcome (cosigned, conflict, rejected, unreachable, invalid)',
  labelNames: ['witness', 'outcome'] as const,
  registers: [registry],
});
