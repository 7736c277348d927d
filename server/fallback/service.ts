// The metered LLM fallback as the exchange pipeline uses it: quota first, then the repair
// attempts, then the semantic guard. FU are billed only for a repair that succeeds and passes
// the guard (the pipeline records them with the receipt); every failure costs nothing and is
// counted in signet_fallback_failures_total.
import type { ApiPrincipal } from '../apikeys/authenticate';
import { getDatabase } from '../db';
import type { ErrorCode } from '../errors';
import { ExchangeError } from '../exchange/errors';
import type { FallbackRepairer } from '../exchange/pipeline';
import { fallbackFailuresTotal } from '../metrics/registry';
import { CircuitBreaker } from './circuit-breaker';
import { fallbackConfigured, type FallbackConfig } from './config';
import { createOpenAiProvider, type FallbackProvider } from './provider';
import { estimateTokens, quotaDecision, utcMonth } from './quota';
import { repairWithLlm, type RepairFailure } from './repair';
import { checkProvenance, llmRepairRecord } from './semantic-guard';
import { QuotaHolds } from './holds';
import { meterTotals } from '../usage/rollups';

const FAILURES: Record<RepairFailure, ErrorCode> = {
  exhausted: 'FALLBACK_EXHAUSTED',
  provider_error: 'FALLBACK_PROVIDER_ERROR',
  malformed_reply: 'FALLBACK_PROVIDER_ERROR',
  timeout: 'FALLBACK_TIMEOUT',
  circuit_open: 'FALLBACK_UNAVAILABLE',
};

/** The fallback when a provider is configured, else undefined (deterministic repair only). */
export function fallbackFromConfig(config: FallbackConfig): FallbackRepairer | undefined {
  return fallbackConfigured(config) ? createFallback(config, createOpenAiProvider(config)) : undefined;
}

export function createFallback(config: FallbackConfig, provider: FallbackProvider): FallbackRepairer {
  const breaker = new CircuitBreaker(config.breaker);
  const holds = new QuotaHolds();

  return {
    async repair({ principal, brokenText, mapping, reason }) {
      const schema = mapping.argumentsSchema;
      if (!schema || !mapping.validateArguments) throw new ExchangeError('ARGUMENTS_UNREPAIRABLE', reason);
      const estimate = estimateTokens(brokenText, schema, config.maxAttempts);
      const scope = principal.fuLimitScope === 'key' ? `key:${principal.keyId}` : `tenant:${principal.tenantId}`;
      const { decision, used, held, release } = await holds.reserve(
        scope,
        async () => (principal.fuMonthlyLimit === null ? 0n : fuUsedThisMonth(principal)),
        (usedWithHolds) => quotaDecision({ usedThisMonth: usedWithHolds, limit: principal.fuMonthlyLimit, estimate }),
      );
      if (!decision.allowed) {
        const inFlightNote = held > 0n ? ` (${held} more held by repairs in flight)` : '';
        throw new ExchangeError('FU_QUOTA_EXCEEDED', `monthly Fallback Unit quota reached: ${used} of ${decision.limit} FU used this month${inFlightNote}`, {
          details: { current: used.toString(), limit: decision.limit.toString() },
        });
      }
      // The hold lasts until the exchange's usage row is committed (or the exchange fails),
      // not just until the model answers: the pipeline calls release() when it is done.
      try {
        const outcome = await repairWithLlm({
          brokenText,
          argumentsSchema: schema,
          validate: mapping.validateArguments,
          maxAttempts: config.maxAttempts,
          provider,
          breaker,
        });
        if (!outcome.ok) {
          fallbackFailuresTotal.inc({ tenant: principal.tenantId, reason: outcome.reason });
          throw new ExchangeError(FAILURES[outcome.reason], `${reason}; LLM fallback failed: ${outcome.detail}`, { details: outcome.issues ? { issues: outcome.issues } : undefined });
        }
        const violations = checkProvenance(brokenText, outcome.value, schema);
        if (violations.length) {
          fallbackFailuresTotal.inc({ tenant: principal.tenantId, reason: 'semantic_violation' });
          throw new ExchangeError('SEMANTIC_INVARIANT_VIOLATED', `the LLM repair changed the business content: ${violations.map((v) => v.message).join('; ')}`, {
            details: { semantic_violations: violations },
          });
        }
        return { value: outcome.value, tokens: outcome.tokens, release, repair: llmRepairRecord(brokenText, outcome.value) };
      } catch (err) {
        release();
        throw err;
      }
    },
  };
}

async function fuUsedThisMonth(principal: ApiPrincipal, now = new Date()): Promise<bigint> {
  const { start, end } = utcMonth(now);
  const sql = getDatabase().sql;
  // Rollups are per tenant; a per-key limit sums that key's raw rows.
  if (principal.fuLimitScope !== 'key') return (await meterTotals(sql, principal.tenantId, start, end)).fu;
  const rows = await sql.query<{ used: string | null }>(
    `SELECT COALESCE(SUM(units), 0)::text AS used FROM usage_events WHERE api_key_id = $1 AND meter = 'fu' AND occurred_at >= $2 AND occurred_at < $3`,
    [principal.keyId, start, end],
  );
  return BigInt(rows[0]?.used ?? '0');
}
