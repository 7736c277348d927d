// Keeps an LLM repair from corrupting business data: what can be recovered from the original
// broken text is compared with the repaired object. Amounts must be the same decimal, currency
// codes, identifiers and dates the same, and no field may appear that the original did not
// contain: required fields (per the arguments schema) and amount/currency/id/date fields alike.
// Fields are recognised by key name (snake_case or camelCase) and, for dates, by schema format;
// any number in the original is compared as an amount.
import { scanPairs, type PathSegment, type Recovered } from './tolerant-scan';

export type SemanticViolationKind = 'amount_changed' | 'currency_changed' | 'id_changed' | 'date_changed' | 'invented_field';

export interface SemanticViolation {
  /** Dotted path of the field, array positions in brackets: `items[0].price`. */
  field: string;
  kind: SemanticViolationKind;
  original?: string;
  repaired?: string;
  message: string;
}

type FieldKind = 'amount' | 'currency' | 'id' | 'date';

const CURRENCY = /(^|_)(currency|ccy)(_|$)/;
const DATE = /(^|_)(date|dob|birthdate|birthday|deadline)(_|$)|_(at|on)$/;
const ID = /(^|_)(id|ids|uuid|guid|mrn|number|no|num|ref|reference|code|sku|iban|account)$/;
const AMOUNT = /(^|_)(amount|amt|total|subtotal|price|cost|fee|fees|balance|tax|vat|discount|payment|charge|quantity|qty)(_|$)/;

type Schema = Record<string, unknown>;

export function compareRecovered(originalText: string, repaired: object, schema: object): SemanticViolation[] {
  const recovered = scanPairs(originalText);
  return [...changedValues(recovered, repaired, schema as Schema), ...inventedFields(recovered, repaired, schema as Schema)];
}

function changedValues(recovered: Recovered[], repaired: object, root: Schema): SemanticViolation[] {
  const byPath = new Map<string, Recovered[]>();
  for (const r of recovered) {
    if (r.kind !== 'string' && r.kind !== 'number') continue;
    const key = JSON.stringify(r.path);
    byPath.set(key, [...(byPath.get(key) ?? []), r]);
  }
  const violations: SemanticViolation[] = [];
  for (const candidates of byPath.values()) {
    const path = candidates[0]!.path;
    const kind = fieldKind(path, schemaAt(root, path), candidates.some((c) => c.kind === 'number'));
    if (!kind) continue;
    const value = valueAt(repaired, path);
    const originals = candidates.map(originalText);
    const shown = value === undefined || value === null ? undefined : display(value);
    if (shown !== undefined && originals.some((o) => sameValue(kind, o, shown))) continue;
    const field = fieldName(path);
    const original = originals.at(-1)!;
    violations.push({
      field,
      kind: `${kind}_changed`,
      original,
      repaired: shown,
      message:
        shown === undefined
          ? `${field} (${kind}) was "${original}" in the original and is missing from the repair`
          : `${field} (${kind}) was "${original}" in the original but "${shown}" in the repair`,
    });
  }
  return violations;
}

/** Fields with a value in the repair but none in the original text. */
function inventedFields(recovered: Recovered[], repaired: object, root: Schema): SemanticViolation[] {
  const present = new Set(
    recovered.filter((r) => r.kind !== 'missing' && !(r.kind === 'literal' && r.text === 'null')).map((r) => shape(r.path)),
  );
  const violations: SemanticViolation[] = [];
  const walk = (value: unknown, schema: Schema | undefined, path: PathSegment[]) => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, subschema(root, schema, 'items'), [...path, i]));
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const required = Array.isArray(schema?.required) ? (schema.required as unknown[]) : [];
    for (const [key, child] of Object.entries(value)) {
      const childPath = [...path, key];
      const childSchema = subschema(root, schema, 'properties', key);
      const guarded = required.includes(key) || fieldKind(childPath, childSchema, false) !== null;
      const isDefault = childSchema !== undefined && 'default' in childSchema && JSON.stringify(childSchema.default) === JSON.stringify(child);
      if (guarded && child !== null && child !== undefined && !isDefault && !present.has(shape(childPath))) {
        const field = fieldName(childPath);
        violations.push({
          field,
          kind: 'invented_field',
          repaired: display(child),
          message: `${field} has a value in the repair but none in the original text`,
        });
        continue;
      }
      walk(child, childSchema, childPath);
    }
  };
  walk(repaired, resolve(root, root), []);
  return violations;
}

function fieldKind(path: PathSegment[], schema: Schema | undefined, numeric: boolean): FieldKind | null {
  const name = path.findLast((s): s is string => typeof s === 'string');
  const key = name === undefined ? '' : snake(name);
  if (CURRENCY.test(key)) return 'currency';
  if (DATE.test(key) || schema?.format === 'date' || schema?.format === 'date-time') return 'date';
  if (ID.test(key)) return 'id';
  if (AMOUNT.test(key) || numeric) return 'amount';
  return null;
}

function display(value: unknown): string {
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function snake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[\s-]+/g, '_')
    .toLowerCase();
}

function originalText(r: Recovered): string {
  if (r.kind === 'number') return r.text;
  if (r.kind !== 'string') return '';
  // An unclosed string ran to the end of its line and may have swallowed closing punctuation.
  return r.closed ? r.text : r.text.replace(/[\s,}\]]+$/, '');
}

function sameValue(kind: FieldKind, original: string, repaired: string): boolean {
  if (original === repaired) return true;
  if (kind === 'amount') {
    const a = canonicalDecimal(original);
    return a !== null && a === canonicalDecimal(repaired);
  }
  if (kind === 'currency') return original.trim().toUpperCase() === repaired.trim().toUpperCase();
  if (kind === 'date') {
    const a = Date.parse(original);
    return !Number.isNaN(a) && a === Date.parse(repaired);
  }
  return false;
}

/** `1000`, `1000.00`, `1e3` and `+1000.0` all give `1e3`; null for anything not a plain decimal. */
export function canonicalDecimal(text: string): string | null {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const fraction = m[3] ?? '';
  let digits = (m[2]! + fraction).replace(/^0+/, '');
  let exponent = Number(m[4] ?? 0) - fraction.length;
  if (digits === '') return '0';
  const trailing = digits.length - digits.replace(/0+$/, '').length;
  digits = digits.slice(0, digits.length - trailing);
  exponent += trailing;
  return `${m[1] === '-' ? '-' : ''}${digits}e${exponent}`;
}

function valueAt(root: unknown, path: PathSegment[]): unknown {
  let value = root;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    if (Array.isArray(value) !== (typeof segment === 'number')) return undefined;
    value = (value as Record<PathSegment, unknown>)[segment];
  }
  return value;
}

/** Array positions wildcarded: a broken text's element count is the least reliable part of it. */
function shape(path: PathSegment[]): string {
  return JSON.stringify(path.map((s) => (typeof s === 'number' ? '*' : s)));
}

function fieldName(path: PathSegment[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('') || '(root)';
}

function schemaAt(root: Schema, path: PathSegment[]): Schema | undefined {
  let schema: Schema | undefined = resolve(root, root);
  for (const segment of path) {
    schema = typeof segment === 'number' ? subschema(root, schema, 'items') : subschema(root, schema, 'properties', segment);
  }
  return schema;
}

function subschema(root: Schema, schema: Schema | undefined, keyword: 'items' | 'properties', key?: string): Schema | undefined {
  const child = keyword === 'items' ? schema?.items : (schema?.properties as Schema | undefined)?.[key!];
  return resolve(root, child);
}

/** Follows local `#/...` references; other references are left unresolved. */
function resolve(root: Schema, schema: unknown): Schema | undefined {
  let current = schema;
  for (let hops = 0; hops < 32 && isSchema(current) && typeof current.$ref === 'string' && current.$ref.startsWith('#'); hops += 1) {
    current = current.$ref
      .slice(1)
      .split('/')
      .filter(Boolean)
      .map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((node, s) => (isSchema(node) ? node[s] : undefined), root);
  }
  return isSchema(current) ? current : undefined;
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
