// The default catalog (SPEC §6 and the setup guide) as data, plus the parser for the guide's
// reserved-capacity file (reserved.json). Everything here is plain data; the database seeds
// and admin edits start from it.
import { z } from 'zod';
import { formatUsd, fromCents, parseUsd, toCents, usdFromNumber, type Money } from '@/lib/money';
import { AppError } from '../errors';

export const METERS = ['vex', 'fu'] as const;
export type Meter = (typeof METERS)[number];

/**
 * One graduated tier. `upTo` counts billable units cumulatively from the first billable unit
 * of the period; null means "every further unit". Whatever the last tier's `upTo`, units past
 * it are charged at its price (SPEC §6).
 */
export interface Tier {
  upTo: bigint | null;
  unitPrice: Money;
  /** The guide's Stripe item id for this tier, e.g. `price_signet_vex_tier1_005`. */
  stripeItem: string | null;
}

export type TierSchedule = Record<Meter, Tier[]>;

export type PlanId = 'starter' | 'professional' | 'enterprise';

export interface PlanDefinition {
  id: PlanId;
  name: string;
  monthlyFee: Money;
  included: Record<Meter, bigint>;
  /** Stripe `lookup_key` of the plan's monthly price. */
  lookupKey: string;
  /** The guide's Stripe item id of the plan, e.g. `price_signet_enterprise_monthly_9999`. */
  stripeItem: string;
  position: number;
}

export const METER_LABELS: Record<Meter, { name: string; unit: string }> = {
  vex: { name: 'Verified Exchanges (VEx)', unit: 'VEx' },
  fu: { name: 'Fallback Units (FU)', unit: 'token' },
};

/** Stripe Billing Meter `event_name` per meter. */
export const METER_EVENT_NAMES: Record<Meter, string> = { vex: 'signet_vex', fu: 'signet_fu' };

function plan(id: PlanId, name: string, fee: string, vex: bigint, fu: bigint, position: number): PlanDefinition {
  return {
    id,
    name,
    monthlyFee: parseUsd(fee),
    included: { vex, fu },
    lookupKey: `signet_${id}_monthly`,
    stripeItem: `price_signet_${id}_monthly_${fee}`,
    position,
  };
}

export const DEFAULT_PLANS: readonly PlanDefinition[] = [
  plan('starter', 'Starter', '499', 10_000n, 50_000n, 1),
  plan('professional', 'Professional', '1999', 100_000n, 500_000n, 2),
  plan('enterprise', 'Enterprise', '9999', 1_000_000n, 5_000_000n, 3),
];

export const DEFAULT_TIERS: TierSchedule = {
  vex: [
    { upTo: 50_000n, unitPrice: parseUsd('0.005'), stripeItem: 'price_signet_vex_tier1_005' },
    { upTo: null, unitPrice: parseUsd('0.008'), stripeItem: 'price_signet_vex_tier2_008' },
  ],
  fu: [
    { upTo: 250_000n, unitPrice: parseUsd('0.001'), stripeItem: 'price_signet_fu_tier1_001' },
    { upTo: null, unitPrice: parseUsd('0.0008'), stripeItem: 'price_signet_fu_tier2_0008' },
  ],
};

/** Lookup key of a plan's metered price per meter (included units are its free first tier). */
export function planMeteredLookupKey(planId: PlanId, meter: Meter): string {
  return `signet_${planId}_${meter}_metered`;
}

/** Lookup key of the overage-only metered price (reserved-capacity tenants send only overage). */
export function overageLookupKey(meter: Meter): string {
  return `signet_${meter}_overage`;
}

/** The plan a reference names: its id, lookup key or the guide's Stripe item id. */
export function findPlan(ref: string, plans: readonly PlanDefinition[] = DEFAULT_PLANS): PlanDefinition | null {
  return plans.find((p) => p.id === ref || p.lookupKey === ref || p.stripeItem === ref) ?? null;
}

// ---------------------------------------------------------------------------------------------
// reserved.json

export interface ReservedCapacity {
  tenantId: string;
  reserved: Record<Meter, bigint>;
  /** As written in the file, e.g. `price_signet_enterprise_monthly_9999`; see `findPlan`. */
  subscriptionPlan: string | null;
  /** The contract's fixed monthly fee (MRR in the admin KPIs); not part of the metered invoice. */
  monthlyFee: Money;
  /** Sorted by `upTo`; every tier has a finite `upTo` (the file's `threshold`). */
  tiers: TierSchedule;
}

export class ReservedConfigError extends AppError {
  constructor(readonly issues: string[]) {
    super('RESERVED_CONFIG_INVALID', `invalid reserved capacity configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`, { details: { issues } });
    this.name = 'ReservedConfigError';
  }
}

const count = (what: string, min: bigint) =>
  z.unknown().transform((value, ctx): bigint => {
    const ok =
      (typeof value === 'number' && Number.isSafeInteger(value)) ||
      (typeof value === 'string' && /^\d+$/.test(value)) ||
      typeof value === 'bigint';
    const parsed = ok ? BigInt(value as number | string | bigint) : null;
    if (parsed === null || parsed < min) {
      ctx.addIssue({ code: 'custom', message: `${what} must be an integer ≥ ${min}, got ${describe(value)}` });
      return z.NEVER;
    }
    return parsed;
  });

const price = z.unknown().transform((value, ctx): Money => {
  try {
    if (typeof value !== 'number' && typeof value !== 'string') throw new Error(`got ${describe(value)}`);
    const amount = typeof value === 'number' ? usdFromNumber(value) : parseUsd(value);
    if (amount <= 0n) throw new Error(`got ${describe(value)}`);
    return amount;
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `price_per_unit must be a positive decimal number of dollars: ${(error as Error).message}` });
    return z.NEVER;
  }
});

/** A contract's monthly fee in dollars: zero or more, in whole cents. */
const monthlyFee = z.unknown().transform((value, ctx): Money => {
  try {
    if (typeof value !== 'number' && typeof value !== 'string') throw new Error(`got ${describe(value)}`);
    const amount = typeof value === 'number' ? usdFromNumber(value) : parseUsd(value);
    if (amount < 0n || fromCents(toCents(amount)) !== amount) throw new Error(`got ${describe(value)}`);
    return amount;
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `monthly_fee must be a decimal number of dollars in whole cents, zero or more: ${(error as Error).message}` });
    return z.NEVER;
  }
});

const tierList = z
  .array(
    z.strictObject({
      threshold: count('threshold', 1n),
      price_per_unit: price,
      stripe_item: z.string().min(1).nullish(),
    }),
  )
  .min(1, 'at least one overage tier is required')
  .transform((tiers, ctx): Tier[] => {
    const sorted = tiers
      .map((t) => ({ upTo: t.threshold, unitPrice: t.price_per_unit, stripeItem: t.stripe_item ?? null }))
      .sort((a, b) => (a.upTo < b.upTo ? -1 : a.upTo > b.upTo ? 1 : 0));
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i]!.upTo === sorted[i - 1]!.upTo) {
        ctx.addIssue({ code: 'custom', message: `duplicate threshold ${sorted[i]!.upTo}` });
        return z.NEVER;
      }
    }
    return sorted;
  });

const reservedEntry = z.strictObject({
  vex_reserved: count('vex_reserved', 0n),
  fu_reserved: count('fu_reserved', 0n),
  subscription_plan: z.string().min(1).nullish(),
  monthly_fee: monthlyFee.optional(),
  vex_overage_tiers: tierList,
  fu_overage_tiers: tierList,
});

const reservedFile = z.record(z.string(), reservedEntry).refine((file) => !('' in file), 'tenant id must not be empty');

function describe(value: unknown): string {
  if (typeof value === 'bigint') return `${value}`;
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

function issuesOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${z.core.toDotPath(issue.path) || '(root)'}: ${issue.message}`);
}

/** Validates the parsed contents of a reserved.json file; throws ReservedConfigError. */
export function parseReservedConfig(input: unknown): ReservedCapacity[] {
  const result = reservedFile.safeParse(input);
  if (!result.success) throw new ReservedConfigError(issuesOf(result.error));
  return Object.entries(result.data).map(([tenantId, entry]) => ({
    tenantId,
    reserved: { vex: entry.vex_reserved, fu: entry.fu_reserved },
    subscriptionPlan: entry.subscription_plan ?? null,
    monthlyFee: entry.monthly_fee ?? 0n,
    tiers: { vex: entry.vex_overage_tiers, fu: entry.fu_overage_tiers },
  }));
}

/** Parses reserved.json text; JSON syntax errors become ReservedConfigError too. */
export function parseReservedConfigText(text: string): ReservedCapacity[] {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    throw new ReservedConfigError([`(root): not valid JSON: ${(error as Error).message}`]);
  }
  return parseReservedConfig(input);
}

export interface ReservedTierJson {
  threshold: number | string;
  price_per_unit: string;
  stripe_item: string | null;
}

/** A count as a JSON number while exact, else as a digit string (the parser accepts both). */
function jsonCount(value: bigint): number | string {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}

/** The guide's tier shape, prices as exact decimal strings (how the database stores them). */
export function tiersToJson(tiers: Tier[]): ReservedTierJson[] {
  return tiers.map((t) => {
    if (t.upTo === null) throw new Error('reserved tiers need a finite threshold');
    return { threshold: jsonCount(t.upTo), price_per_unit: formatUsd(t.unitPrice), stripe_item: t.stripeItem };
  });
}

/** One tenant's entry in the guide's reserved.json shape; parseReservedConfig reads it back. */
export function reservedToJson(capacity: ReservedCapacity) {
  return {
    vex_reserved: jsonCount(capacity.reserved.vex),
    fu_reserved: jsonCount(capacity.reserved.fu),
    subscription_plan: capacity.subscriptionPlan,
    monthly_fee: formatUsd(capacity.monthlyFee),
    vex_overage_tiers: tiersToJson(capacity.tiers.vex),
    fu_overage_tiers: tiersToJson(capacity.tiers.fu),
  };
}
