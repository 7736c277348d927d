// The repair corpus (generated.json from scripts/repair-corpus.ts, plus hand-written.json) and
// what the corpus test and `npm run bench:repair` share: the exchange request of a case, the
// model's answer in faithful mode (the gold arguments) and in corrupting mode (the gold with one
// business value changed, or one invented, to a value the original text does not contain).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { datesIn } from '@/server/mappings/repair-values';

export type Vertical = 'finance' | 'healthcare' | 'supply';
export type Label = 'deterministic' | 'needs-llm' | 'refuse';

export interface CorpusCase {
  id: string;
  source: 'generated' | 'hand-written';
  vertical: Vertical;
  /** The real-world shape of the breakage: code_fence, prose_only, locale_decimals… */
  shape: string;
  label: Label;
  /** The tool call's arguments text, as the model wrote it. */
  text: string;
  /** The repaired arguments (deterministic, needs-llm). */
  gold?: Record<string, unknown>;
  /** The expected error code (refuse). */
  refusal?: string;
}

export const MAPPINGS: Record<Vertical, { payloadType: string; targetType: string; tool: string }> = {
  finance: { payloadType: 'openai.tooluse.invoice.v1', targetType: 'invoice.iso20022.v1', tool: 'create_invoice' },
  healthcare: { payloadType: 'openai.tooluse.patient.v1', targetType: 'hl7.fhir.anonymized.v1', tool: 'create_patient' },
  supply: { payloadType: 'openai.tooluse.purchase_order.v1', targetType: 'supply.shipment_notice.v1', tool: 'create_purchase_order' },
};

const here = path.dirname(fileURLToPath(import.meta.url));

export function loadCorpus(): CorpusCase[] {
  const read = (file: string) => (JSON.parse(readFileSync(path.join(here, file), 'utf8')) as { cases: CorpusCase[] }).cases;
  return [...read('generated.json'), ...read('hand-written.json')];
}

export function exchangeBody(c: CorpusCase) {
  const m = MAPPINGS[c.vertical];
  return { payload_type: m.payloadType, target_type: m.targetType, payload: { tool_calls: [{ id: `call_${c.id}`, type: 'function', function: { name: m.tool, arguments: c.text } }] } };
}

/** The original text as the fallback prompt carries it, to find the case a model request is about. */
export function brokenTextOfPrompt(userMessage: string): string {
  const marker = 'Malformed arguments:\n';
  return userMessage.slice(userMessage.indexOf(marker) + marker.length);
}

type Json = Record<string, unknown>;
type Path = (string | number)[];

const NOT_BUSINESS = /^(resourceType|use|system|gender|active|deceasedBoolean|notes|description|text)$/;
const NAMES = ['Globex Corporation', 'Initech LLC', 'Umbrella Holdings', 'Soylent Foods', 'Hooli Inc', 'Vandelay Industries'];
const CODES = ['USD', 'EUR', 'GBP', 'JPY', 'CHF', 'CAD', 'SEK', 'NOK', 'AUD'];
const SYMBOL_OF: Record<string, string> = { USD: '$', EUR: '€', GBP: '£' };

const INVENTIONS: Record<Vertical, [string, unknown][]> = {
  finance: [
    ['due_date', '2027-12-30'],
    ['purchase_order', 'PO-770013'],
    ['seller', { name: 'Initech LLC' }],
    ['issue_date', '2027-11-29'],
  ],
  healthcare: [
    ['telecom', [{ system: 'phone', value: '+1-555-0199' }]],
    ['id', 'pat-770013'],
    ['address', [{ use: 'home', city: 'Springfield', postalCode: '62704', country: 'US' }]],
  ],
  supply: [
    ['requested_delivery_date', '2027-12-30'],
    ['order_date', '2027-11-29'],
    ['supplier', { name: 'Vandelay Industries' }],
  ],
};

function leaves(value: unknown, path: Path = []): [Path, string | number][] {
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => (NOT_BUSINESS.test(k) ? [] : leaves(v, [...path, Array.isArray(value) ? Number(k) : k])));
  }
  return typeof value === 'string' || typeof value === 'number' ? [[path, value]] : [];
}

function numbersIn(text: string): Set<number> {
  return new Set([...text.replace(/(\d)[,.\s](?=\d{3}\b)/g, '$1').matchAll(/\d+(?:[.,]\d+)?/g)].map(([n]) => Number(n.replace(',', '.'))));
}

/** A value of the same kind as `value`, absent from `text`. */
function changed(key: string, value: string | number, text: string): string | number {
  const lower = text.toLowerCase();
  const absent = (s: string) => !lower.includes(s.toLowerCase());
  if (typeof value === 'number' || /^\d+(\.\d+)?$/.test(value)) {
    const numbers = numbersIn(text);
    const n = Number(value);
    const decimals = String(value).split('.')[1]?.length ?? 0;
    for (const delta of [1, 7, 13, 101, 1009]) {
      const next = Number.isInteger(n) && decimals === 0 ? n + delta : Number((n + delta + 0.11).toFixed(decimals || 2));
      if (!numbers.has(next)) return typeof value === 'number' ? next : next.toFixed(decimals);
    }
  }
  if (/currency/.test(key)) return CODES.find((c) => absent(c) && !(SYMBOL_OF[c] && text.includes(SYMBOL_OF[c]!)))!;
  if (/^\d{4}-\d{2}-\d{2}$/.test(String(value))) {
    const known = datesIn(text);
    for (let days = 1; ; days++) {
      const next = new Date(Date.parse(String(value)) + days * 86_400_000).toISOString().slice(0, 10);
      if (!known.has(next) && absent(next)) return next;
    }
  }
  if (/name|family|given|city/.test(key)) return NAMES.find(absent)!;
  // An identifier: its last digit changed (or a digit appended).
  const s = String(value);
  for (let d = 1; d < 10; d++) {
    const next = /\d$/.test(s) ? s.slice(0, -1) + String((Number(s.at(-1)) + d) % 10) : `${s}${d}`;
    if (absent(next)) return next;
  }
  return `${s}-X`;
}

/** The gold arguments with one business value changed, or one invented; `what` says which. */
export function corrupt(c: CorpusCase, random: () => number): { value: Json; what: string } {
  const value = structuredClone(c.gold!);
  const inventions = INVENTIONS[c.vertical].filter(([k]) => value[k] === undefined);
  if (inventions.length > 0 && random() < 0.4) {
    const [key, invented] = inventions[Math.floor(random() * inventions.length)]!;
    value[key] = structuredClone(invented);
    return { value, what: `invented ${key}` };
  }
  const candidates = leaves(value);
  const [path, old] = candidates[Math.floor(random() * candidates.length)]!;
  const key = String(path.findLast((s) => typeof s === 'string'));
  const next = changed(key, old, c.text);
  let node: Record<string | number, unknown> = value;
  for (const s of path.slice(0, -1)) node = node[s] as Record<string | number, unknown>;
  node[path.at(-1)!] = next;
  return { value, what: `changed ${path.join('.')} from ${JSON.stringify(old)} to ${JSON.stringify(next)}` };
}

export function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
