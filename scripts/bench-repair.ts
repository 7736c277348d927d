// npm run bench:repair — the repair corpus (tests/repair) through POST /v1/exchange, with a
// scripted OpenAI-compatible server answering the fallback in two modes: faithful (the case's
// gold arguments) and corrupting (the gold with one business value changed or invented). Prints,
// per label and mode: the deterministic repair rate, the fallback's success rate, the guard's
// acceptance of faithful and refusal of corrupt repairs, the FU billed and p95 latency; exits
// non-zero when a target of issue 19 is missed. A fresh PGlite database (PostgreSQL with DATABASE_URL).
import { isDeepStrictEqual } from 'node:util';
import { loadConfig } from '@/server/config';
import { fallbackConfigured } from '@/server/fallback/config';
import { createOpenAiProvider } from '@/server/fallback/provider';
import { createFallback } from '@/server/fallback/service';
import { startFakeLlm, type ScriptedReply } from '@/server/fallback/testing/fake-llm';
import { brokenTextOfPrompt, corrupt, exchangeBody, loadCorpus, MAPPINGS, seeded, type CorpusCase, type Label } from '../tests/repair/corpus';
import { startTestApi } from '../tests/support/api';

type Mode = 'faithful' | 'corrupting';

interface Outcome {
  c: CorpusCase;
  status: number;
  code?: string;
  method?: 'deterministic' | 'llm';
  /** The model was asked (fallback reached). */
  asked: boolean;
  fu: number;
  ms: number;
  correct: boolean;
}

const corpus = loadCorpus();
const random = seeded(19);
const answers = new Map(corpus.filter((c) => c.gold).map((c) => [c.text, { faithful: c.gold!, corrupting: corrupt(c, random).value }]));
let mode: Mode = 'faithful';
const asked = new Set<string>();

const tokens = (text: string) => Math.ceil(text.length / 4);
const llm = await startFakeLlm({
  record: false,
  respond(request): ScriptedReply {
    const prompt = request.body.messages?.find((m) => m.role === 'user')?.content ?? '';
    const text = brokenTextOfPrompt(prompt);
    asked.add(text);
    const answer = answers.get(text);
    const content = answer ? JSON.stringify(answer[mode]) : '{}';
    const promptTokens = tokens((request.body.messages ?? []).map((m) => m.content).join(''));
    return { content, usage: { prompt_tokens: promptTokens, completion_tokens: tokens(content), total_tokens: promptTokens + tokens(content) } };
  },
});
const config = loadConfig({ SP_OPENAI_API_KEY: 'bench', SP_FALLBACK_BASE_URL: llm.baseURL, SP_FALLBACK_BREAKER_FAILURES: '100000' }).fallback;
if (!fallbackConfigured(config)) throw new Error('fallback not configured');
const api = await startTestApi({ fallback: createFallback(config, createOpenAiProvider(config)) });
const key = await api.tenantWithKey('bench-repair', { fallbackEnabled: true });

async function expectedNormalized(c: CorpusCase): Promise<unknown> {
  const m = MAPPINGS[c.vertical];
  const body = exchangeBody(c);
  return api.registry.get(m.payloadType, m.targetType)!.transform(body.payload, c.gold, { traceId: 'x', tenant: 'bench-repair' });
}

async function run(c: CorpusCase, i: number): Promise<Outcome> {
  const start = performance.now();
  const res = await api.exchange(key, exchangeBody(c), `bench-repair-${mode}-${i}`);
  const ms = performance.now() - start;
  const body = (await res.json()) as { normalized?: unknown; fu_tokens?: number; repair?: { method: 'deterministic' | 'llm' }; error?: { code: string } };
  const wasAsked = asked.has(c.text);
  const correct =
    c.label === 'refuse'
      ? res.status === 422 && body.error?.code === c.refusal
      : res.status === 200 && isDeepStrictEqual(stripPseudonym(body.normalized), stripPseudonym(await expectedNormalized(c)));
  return { c, status: res.status, code: body.error?.code, method: body.repair?.method, asked: wasAsked, fu: body.fu_tokens ?? 0, ms, correct };
}

/** The patient pseudonym is keyed per deployment; the rest of the record is compared. */
function stripPseudonym(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !('resourceType' in value)) return value;
  const { id: _id, ...rest } = value as Record<string, unknown>;
  return rest;
}

const pct = (n: number, d: number) => (d === 0 ? '–' : `${((100 * n) / d).toFixed(1)} %`);
const p95 = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length ? `${sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!.toFixed(1)} ms` : '–';
};

const results: Record<Mode, Outcome[]> = { faithful: [], corrupting: [] };
for (const m of ['faithful', 'corrupting'] as Mode[]) {
  mode = m;
  asked.clear();
  for (const [i, c] of corpus.entries()) results[m].push(await run(c, i));
}

const labels: Label[] = ['deterministic', 'needs-llm', 'refuse'];
const rows: string[][] = [['mode', 'label', 'cases', 'correct', 'deterministic repair', 'fallback success', 'guard accepts faithful', 'guard refuses corrupt', 'FU billed', 'p95']];
for (const m of ['faithful', 'corrupting'] as Mode[]) {
  for (const label of [...labels, 'all'] as const) {
    const rs = results[m].filter((r) => label === 'all' || r.c.label === label);
    const viaLlm = rs.filter((r) => r.asked);
    const guarded = viaLlm.filter((r) => r.status === 200 || r.code === 'SEMANTIC_INVARIANT_VIOLATED');
    const accepted = guarded.filter((r) => r.status === 200).length;
    rows.push([
      m,
      label,
      String(rs.length),
      pct(rs.filter((r) => r.correct).length, rs.length),
      pct(rs.filter((r) => r.status === 200 && !r.asked).length, rs.length),
      pct(viaLlm.filter((r) => r.status === 200).length, viaLlm.length),
      m === 'faithful' ? pct(accepted, guarded.length) : '',
      m === 'corrupting' ? pct(guarded.length - accepted, guarded.length) : '',
      String(rs.reduce((s, r) => s + r.fu, 0)),
      p95(rs.map((r) => r.ms)),
    ]);
  }
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows) console.log(r.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));

const det = results.faithful.filter((r) => r.c.label === 'deterministic');
const detRate = det.filter((r) => r.correct && !r.asked).length / det.length;
const shouldSucceed = results.faithful.filter((r) => r.c.label !== 'refuse');
const faithfulRate = shouldSucceed.filter((r) => r.correct).length / shouldSucceed.length;
const corruptAccepted = results.corrupting.filter((r) => r.asked && r.status === 200);
console.log(`\ncorpus: ${corpus.length} cases (${corpus.filter((c) => c.source === 'hand-written').length} hand-written); database: ${api.db.url ? 'PostgreSQL' : 'PGlite'}`);
console.log(`deterministic path on deterministic cases: ${pct(det.filter((r) => r.correct && !r.asked).length, det.length)} (target ≥ 90 %)`);
console.log(`faithful mode, cases that should succeed: ${pct(shouldSucceed.filter((r) => r.correct).length, shouldSucceed.length)} (target ≥ 99 %)`);
console.log(`corrupting mode, corrupt repairs accepted: ${corruptAccepted.length} (target 0)`);
for (const r of corruptAccepted.slice(0, 10)) console.log(`  accepted: ${r.c.id} ${r.c.shape}`);
for (const r of shouldSucceed.filter((x) => !x.correct).slice(0, 10)) console.log(`  faithful failure: ${r.c.id} ${r.c.shape} ${r.status} ${r.code ?? ''}`);

await api.close();
await llm.close();
process.exit(detRate >= 0.9 && faithfulRate >= 0.99 && corruptAccepted.length === 0 ? 0 : 1);
