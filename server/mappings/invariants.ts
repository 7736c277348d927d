// Semantic invariants a caller can demand of an exchange (`semantic_invariants`), checked on
// the normalized output after it passed its schema. Each violation names the output path.

export interface InvariantViolation {
  invariant: string;
  path: string;
  message: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = boolean | { [key: string]: unknown };

const pointer = (parent: string, key: string | number) =>
  `${parent}/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`;

function isObject(value: unknown): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---- no_phi_leakage --------------------------------------------------------------------

/** Keys whose values identify a person (FHIR Patient elements and common synonyms). */
const PHI_KEYS = new Set([
  'name', 'given', 'family', 'telecom', 'identifier', 'address', 'line', 'city', 'district',
  'postalCode', 'birthDate', 'deceasedDateTime', 'photo', 'contact', 'text', 'email', 'phone',
  'ssn', 'mrn',
]);

/** Sub-elements of PHI elements that describe rather than identify (Identifier.system, Address.country...). */
const DESCRIPTIVE_KEYS = new Set([
  'use', 'system', 'type', 'period', 'rank', 'country', 'state', 'assigner', 'coding', 'relationship',
  'prefix', 'suffix', 'gender', 'language', 'preferred',
]);

interface PhiValue {
  from: string;
  matches: (text: string) => boolean;
}

function phiMatcher(value: string): ((text: string) => boolean) | undefined {
  const trimmed = value.trim();
  if (trimmed.length < 2) return undefined;
  const escaped = trimmed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // Whole words only: the given name "Al" must not match "female".
  const word = new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'iu');
  // Phone numbers, SSNs, MRNs: also match the digits whatever the punctuation, and a phone
  // number without its country code (the last ten digits).
  const digits = trimmed.replace(/\D/g, '').slice(-10);
  if (digits.length >= 7) return (text) => word.test(text) || text.replace(/[\s().\-+/]/g, '').includes(digits);
  return (text) => word.test(text);
}

function collectPhi(node: unknown, path: string, inPhi: boolean, out: PhiValue[]): void {
  if (typeof node === 'string' || typeof node === 'number') {
    const matches = inPhi ? phiMatcher(String(node)) : undefined;
    if (matches) out.push({ from: path, matches });
  } else if (Array.isArray(node)) {
    node.forEach((item, i) => collectPhi(item, pointer(path, i), inPhi, out));
  } else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (DESCRIPTIVE_KEYS.has(key)) continue;
      // The source resource id is as identifying as an MRN.
      const isSourceId = path === '' && key === 'id';
      collectPhi(value, pointer(path, key), inPhi || isSourceId || PHI_KEYS.has(key), out);
    }
  }
}

function noPhiLeakage(input: unknown, normalized: unknown): InvariantViolation[] {
  const phi: PhiValue[] = [];
  collectPhi(input, '', false, phi);
  const violations: InvariantViolation[] = [];
  const report = (path: string, message: string) => violations.push({ invariant: 'no_phi_leakage', path: path || '/', message });

  const walk = (node: unknown, path: string) => {
    if (Array.isArray(node)) node.forEach((item, i) => walk(item, pointer(path, i)));
    else if (isObject(node)) {
      for (const [key, value] of Object.entries(node)) {
        const at = pointer(path, key);
        if (PHI_KEYS.has(key)) report(at, `"${key}" is an identifying element and may not appear in the output`);
        walk(value, at);
      }
    } else if (typeof node === 'string' || typeof node === 'number') {
      const text = String(node);
      // The message names where the value came from, never the value itself.
      for (const { from, matches } of phi) if (matches(text)) report(path, `repeats the identifying input value at ${from}`);
    }
  };
  walk(normalized, '');
  return violations;
}

// ---- minimum_necessary -----------------------------------------------------------------

function resolveRef(ref: string, root: Schema): Schema {
  if (!ref.startsWith('#')) throw new Error(`minimum_necessary: only local $ref are supported, got ${ref}`);
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    node = isObject(node) ? (node as Record<string, unknown>)[raw.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined;
  }
  if (typeof node !== 'boolean' && !isObject(node)) throw new Error(`minimum_necessary: $ref ${ref} resolves to nothing`);
  return node;
}

/** The schema and every subschema that applies to the same instance ($ref, allOf, anyOf, oneOf, then, else). */
function applicable(schema: Schema, root: Schema, out: Schema[] = []): Schema[] {
  out.push(schema);
  if (typeof schema === 'boolean') return out;
  if (typeof schema.$ref === 'string') applicable(resolveRef(schema.$ref, root), root, out);
  for (const k of ['allOf', 'anyOf', 'oneOf']) for (const s of (schema[k] as Schema[] | undefined) ?? []) applicable(s, root, out);
  for (const k of ['then', 'else']) if (schema[k] !== undefined) applicable(schema[k] as Schema, root, out);
  return out;
}

/** Schemas that name `key` in an object: properties, a matching patternProperties, or an additionalProperties schema. */
function propertySchemas(schemas: Schema[], key: string): Schema[] {
  const found: Schema[] = [];
  for (const s of schemas) {
    if (typeof s === 'boolean') continue;
    const named: Schema[] = [];
    const props = s.properties as Record<string, Schema> | undefined;
    if (props && Object.hasOwn(props, key)) named.push(props[key]!);
    for (const [pattern, sub] of Object.entries((s.patternProperties as Record<string, Schema> | undefined) ?? {})) {
      if (new RegExp(pattern, 'u').test(key)) named.push(sub);
    }
    if (named.length === 0 && isObject(s.additionalProperties)) named.push(s.additionalProperties as Schema);
    found.push(...named);
  }
  return found;
}

function itemSchemas(schemas: Schema[], index: number): Schema[] {
  const found: Schema[] = [];
  for (const s of schemas) {
    if (typeof s === 'boolean') continue;
    const prefix = s.prefixItems as Schema[] | undefined;
    const sub = prefix && index < prefix.length ? prefix[index] : (s.items as Schema | undefined);
    if (sub !== undefined) found.push(sub);
  }
  return found;
}

function minimumNecessary(normalized: unknown, targetSchema: object): InvariantViolation[] {
  const root = targetSchema as Schema;
  const violations: InvariantViolation[] = [];
  const walk = (node: unknown, schemas: Schema[], path: string) => {
    const all = schemas.flatMap((s) => applicable(s, root));
    // `true` names no fields yet allows any: nothing below it can be extra.
    if (all.includes(true)) return;
    if (Array.isArray(node)) {
      node.forEach((item, i) => {
        const sub = itemSchemas(all, i);
        if (sub.length > 0) walk(item, sub, pointer(path, i));
      });
    } else if (isObject(node)) {
      for (const [key, value] of Object.entries(node)) {
        const sub = propertySchemas(all, key);
        const at = pointer(path, key);
        if (sub.length === 0) {
          violations.push({ invariant: 'minimum_necessary', path: at, message: 'is not a field of the target schema' });
        } else {
          walk(value, sub, at);
        }
      }
    }
  };
  walk(normalized, [root], '');
  return violations;
}

// ---- registry of invariants ------------------------------------------------------------

const INVARIANTS: Record<string, (input: unknown, normalized: unknown, mapping: { targetSchema: object }) => InvariantViolation[]> = {
  no_phi_leakage: (input, normalized) => noPhiLeakage(input, normalized),
  minimum_necessary: (_input, normalized, mapping) => minimumNecessary(normalized, mapping.targetSchema),
};

export const KNOWN_INVARIANTS: readonly string[] = Object.keys(INVARIANTS);

/**
 * Checks the named invariants; [] when all hold. Unknown names are reported (all of them,
 * with the known ones) before anything is checked, so the caller can answer 422.
 */
export function checkInvariants(
  names: readonly string[],
  input: unknown,
  normalized: unknown,
  mapping: { targetSchema: object },
): InvariantViolation[] | { unknown: string[]; known: readonly string[] } {
  const unknown = names.filter((n) => !Object.hasOwn(INVARIANTS, n));
  if (unknown.length > 0) return { unknown, known: KNOWN_INVARIANTS };
  return [...new Set(names)].flatMap((n) => INVARIANTS[n]!(input, normalized, mapping));
}
