// The wire shapes of SPEC §2–4, §7 and §8 as zod schemas, the one description the OpenAPI
// document is generated from: receipts, export bundles (with their `log` field), the exchange
// response, the JWKS and the usage proof bundle. Nothing here runs per request: the API serves
// what the domain built, and the compile-time checks at the end keep these schemas and the
// TypeScript types the domain builds with (types.ts, the usage statement's) the same, both ways.
import { z } from 'zod';
import type { ProviderKind } from '../billing/subscription';
import type { TariffTerms } from '../billing/tariffs';
import type { ProviderRecord } from '../usage-proof/repository';
import type { SignedStatement, StatementBatch, StatementLine, StatementMeter, UsageStatement } from '../usage-proof/statement';
import { HASH_PATTERN } from './canonical';
import type { BundleLog, ExportBundle, ForwardOutcome, Jwks, Receipt, ReceiptPolicy, ReceiptRepair } from './types';

const hash = z.string().regex(HASH_PATTERN).meta({ description: "'sha256:<64 lowercase hex>'" });
const count = z.number().int().nonnegative();
const timestamp = z.string().meta({ description: 'UTC RFC 3339, e.g. 2026-01-27T12:00:00Z (milliseconds allowed)' });
const base64Hashes = z.array(z.string()).meta({ description: 'SHA-256 hashes, standard base64' });
const perMeter = <T extends z.ZodType>(schema: T) => z.strictObject({ vex: schema, fu: schema });

// SPEC §2. The envelope is closed, and so is every object in it.
export const receiptPolicySchema = z.strictObject({ engine: z.literal('HEL'), allowed: z.boolean(), reason: z.enum(['ok', 'no_forward']) });

export const forwardOutcomeSchema = z.union([
  z.strictObject({ url: z.string(), host: z.string(), status_code: z.number().int(), pinned_ip: z.string(), response_size: count }),
  z.strictObject({ url: z.string(), host: z.string(), error: z.string() }),
]);

export const receiptRepairSchema = z.strictObject({
  method: z.enum(['deterministic', 'llm']),
  changes: z.array(z.strictObject({ path: z.string().meta({ description: 'JSON pointer' }), kind: z.enum(['syntax', 'normalized', 'renamed', 'restructured', 'llm']) })),
});

export const receiptSchema = z
  .strictObject({
    trace_id: z.string().min(1),
    hop: z.number().int().min(1),
    ts: timestamp,
    tenant: z.string().min(1),
    payload_type: z.string().min(1),
    target_type: z.string().min(1),
    cid: hash,
    canon: z.string().meta({ description: 'JCS of the normalized payload: cid is its SHA-256' }),
    algo: z.literal('sha256'),
    prev_receipt_hash: hash.nullable(),
    policy: receiptPolicySchema,
    forwarded: forwardOutcomeSchema.optional(),
    fallback_used: z.boolean().optional().meta({ description: 'Present when the LLM fallback repaired the arguments' }),
    fu_tokens: count.optional().meta({ description: 'Fallback Units the repair used' }),
    repair: receiptRepairSchema.optional(),
    kid: z.string().min(1).optional().meta({ description: 'Absent only on pre-signing SR-1 receipts' }),
    receipt_hash: hash,
    sig: z.string().min(1).optional().meta({ description: 'Ed25519 over the ASCII bytes of receipt_hash, base64url without padding' }),
  })
  .meta({ description: 'A signed receipt (SPEC §2)' });

// SPEC §3 and §7.
export const bundleLogSchema = z.strictObject({
  checkpoint: z.string().meta({ description: 'The newest signed checkpoint (C2SP tlog-checkpoint) with its cosignatures' }),
  proofs: z.array(z.strictObject({ hop: z.number().int().min(1), leaf_index: count, hashes: base64Hashes })),
});

export const exportBundleSchema = z
  .strictObject({
    trace_id: z.string(),
    chain: z.array(receiptSchema),
    exported_at: timestamp,
    bundle_cid: hash,
    kid: z.string(),
    signature: z.string().meta({ description: 'Ed25519 over the ASCII bytes of bundle_cid, base64url without padding' }),
    log: bundleLogSchema.optional().meta({ description: 'Outside bundle_cid; present once the transparency log has a checkpoint (SPEC §7)' }),
  })
  .meta({ description: 'The signed export bundle (SPEC §3), verifiable offline with the JWKS (and the log key for `log`)' });

// SPEC §4: the 200 body of POST /v1/exchange. pipeline.ts builds it as this type.
export const exchangeResponseSchema = z.strictObject({
  trace_id: z.string(),
  normalized: z.unknown().meta({ description: 'The mapped (target) payload' }),
  policy: receiptPolicySchema,
  receipt: z.strictObject({ ts: timestamp, cid: hash, receipt_hash: hash, prev_receipt_hash: hash.nullable(), hop: z.number().int().min(1), kid: z.string(), sig: z.string() }),
  forwarded: forwardOutcomeSchema.optional(),
  fallback_used: z.boolean().optional(),
  fu_tokens: count.optional(),
  repair: receiptRepairSchema.optional(),
});
export type ExchangeResponseBody = z.infer<typeof exchangeResponseSchema>;

// SPEC §1.
export const jwksSchema = z.strictObject({
  keys: z.array(z.strictObject({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string(), kid: z.string(), use: z.literal('sig'), alg: z.literal('EdDSA') })),
});

// SPEC §8.
const statementLineSchema = z.strictObject({ tier: z.number().int(), from: count, to: count, units: count, unit_price: z.string(), amount: z.string() });
const statementMeterSchema = z.strictObject({ units: count, included: count, billable: count, lines: z.array(statementLineSchema), amount: z.string() });
const meterName = z.enum(['vex', 'fu']);
const statementBatchSchema = z.strictObject({ meter: meterName, root: z.string().nullable(), units: count, first_leaf: count.nullable(), last_leaf: count.nullable() });
const tariffSchema = z.strictObject({
  plan: z.string().nullable(),
  basis: z.enum(['plan', 'reserved']),
  fee: z.string(),
  reserved_capacity: perMeter(count).nullable(),
  included: perMeter(count),
  tiers: perMeter(z.array(z.strictObject({ up_to: count.nullable(), unit_price: z.string() }))),
  version: z.number().int(),
  effective_from: timestamp,
});
const usageStatementSchema = z.strictObject({
  tenant: z.string(),
  period: z.strictObject({ start: timestamp, end: timestamp }),
  tariff: tariffSchema,
  meters: perMeter(statementMeterSchema),
  batches: z.array(statementBatchSchema),
  pending_units: perMeter(count),
  total: z.string(),
  rounding: z.string(),
  checkpoint: z.string(),
});
const signedStatementShape = { statement: usageStatementSchema, statement_cid: hash, kid: z.string(), signature: z.string() };
const providerRecordShape = { events: z.array(z.strictObject({ identifier: z.string(), value: count })), pending: z.array(z.string()) };

export const usageProofTileSchema = z.strictObject({ level: count, index: count, width: count, hashes: z.string().meta({ description: 'The tile: `width` 32-byte hashes, standard base64' }) });
export const usageProofReceiptSchema = z.strictObject({
  receipt_hash: hash,
  meter: meterName,
  units: count,
  leaf_index: count,
  hashes: base64Hashes.optional().meta({ description: 'The inclusion path (form=receipts only)' }),
});
export const usageProofHeadSchema = z.strictObject({
  ...signedStatementShape,
  provider: z.strictObject({ kind: z.enum(['local', 'stripe']), ...providerRecordShape }).meta({ description: "The billing provider's record of the statement's batches" }),
});
export const usageProofBundleSchema = usageProofHeadSchema
  .extend({
    tiles: z.array(usageProofTileSchema).optional().meta({ description: 'form=compact: the log tiles covering the tenant\'s leaves' }),
    receipts: z.array(usageProofReceiptSchema),
  })
  .meta({ description: 'The signed usage statement with the proof of every unit it bills (SPEC §8)' });
export type UsageProofBundle = z.infer<typeof usageProofBundleSchema>;
export type UsageProofHead = z.infer<typeof usageProofHeadSchema>;
export type UsageProofTile = z.infer<typeof usageProofTileSchema>;
export type UsageProofReceipt = z.infer<typeof usageProofReceiptSchema>;

/**
 * True when A and B accept the same values and name the same fields: assignability alone would
 * let an optional field exist on one side only.
 */
export type Same<A, B> = [A, keyof A] extends [B, keyof B] ? ([B, keyof B] extends [A, keyof A] ? true : false) : false;
type AllTrue<T extends true[]> = T;

/** Compiles only while every schema above and the type the domain builds with agree. */
export type WireSchemasMatchTypes = AllTrue<
  [
    Same<z.infer<typeof receiptPolicySchema>, ReceiptPolicy>,
    Same<z.infer<typeof forwardOutcomeSchema>, ForwardOutcome>,
    Same<z.infer<typeof receiptRepairSchema>, ReceiptRepair>,
    Same<z.infer<typeof receiptSchema>, Receipt>,
    Same<z.infer<typeof bundleLogSchema>, BundleLog>,
    Same<z.infer<typeof exportBundleSchema>, ExportBundle>,
    Same<z.infer<typeof jwksSchema>, Jwks>,
    Same<z.infer<typeof jwksSchema>['keys'][number], Jwks['keys'][number]>,
    Same<z.infer<typeof statementLineSchema>, StatementLine>,
    Same<z.infer<typeof statementMeterSchema>, StatementMeter>,
    Same<z.infer<typeof statementBatchSchema>, StatementBatch>,
    Same<z.infer<typeof tariffSchema>, UsageStatement['tariff']>,
    Same<Omit<z.infer<typeof tariffSchema>, 'version' | 'effective_from'>, TariffTerms>,
    Same<z.infer<typeof usageStatementSchema>, UsageStatement>,
    Same<z.infer<z.ZodObject<typeof signedStatementShape>>, SignedStatement>,
    Same<z.infer<z.ZodObject<typeof providerRecordShape>>, ProviderRecord>,
    Same<UsageProofHead['provider']['kind'], ProviderKind>,
  ]
>;
