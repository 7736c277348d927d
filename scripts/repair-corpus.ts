// Generates tests/repair/generated.json: the repair corpus's generated part, over the three
// verticals' tool calls, from a fixed seed (the same file on every run). Each case is a broken
// arguments text shaped like real model output, labelled `deterministic` (the rules repair it to
// `gold`), `needs-llm` (a faithful model answers `gold`) or `refuse` (refused with `refusal`).
// The hand-written cases are in tests/repair/hand-written.json. Usage: npx tsx scripts/repair-corpus.ts
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seeded, type CorpusCase, type Vertical } from '../tests/repair/corpus';

const SEED = 20261202;
const PER_VERTICAL = 350;

const random = seeded(SEED);
const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const chance = (p: number) => random() < p;

const COMPANIES = ['Acme Corp', 'Northwind Traders', 'Contoso Ltd', 'Fabrikam Inc', 'Tailspin Toys', 'Wide World Importers', 'Adventure Works', 'Blue Yonder Airlines', 'Coho Winery', 'Litware Inc', 'Proseware GmbH', 'Lucerne Publishing', 'Margie Travel', 'Alpine Ski House', 'Woodgrove Bank'];
const SERVICES = ['Consulting services', 'Annual support plan', 'Cloud hosting, March', 'Design workshop', 'Software licence renewal', 'On-site training', 'Security audit'];
const FAMILIES = ['Okonkwo', 'Garcia', 'Nguyen', 'Schmidt', 'Kowalski', 'Haddad', 'Tanaka', 'Silva', 'Murphy', 'Johansson', 'Rossi', 'Dubois'];
const GIVEN = ['Adaeze', 'Maria', 'Linh', 'Jonas', 'Agnieszka', 'Omar', 'Yuki', 'Joao', 'Siobhan', 'Erik', 'Giulia', 'Claire'];
const CITIES = [['Boston', '02134', 'US'], ['Chicago', '60614', 'US'], ['Austin', '78701', 'US'], ['Seattle', '98101', 'US'], ['Denver', '80202', 'US']] as const;
const ITEMS = ['Nitrile gloves, box of 100', 'Pulse oximeter', 'Steel bolts M8', 'Safety goggles', 'Pallet wrap 500 mm', 'Thermal labels 4x6', 'Copper cable 2.5 mm2'];
const CURRENCIES = ['USD', 'EUR', 'GBP', 'CHF', 'CAD'] as const;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const date = (from: number, to: number) => {
  const d = new Date(Date.UTC(int(from, to), int(0, 11), int(1, 28)));
  return d.toISOString().slice(0, 10);
};
const longDate = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number);
  return pick([`${MONTHS[m! - 1]} ${d}, ${y}`, `${d} ${MONTHS[m! - 1]} ${y}`]);
};
/** An amount ≥ 1000 with cents, so every locale form of it is unambiguous. */
const bigAmount = () => `${int(1, 98)},${String(int(0, 999)).padStart(3, '0')}.${String(int(1, 99)).padStart(2, '0')}`;
const plain = (grouped: string) => grouped.replaceAll(',', '');
const smallAmount = () => `${int(1, 999)}.${String(int(0, 99)).padStart(2, '0')}`;

type Args = Record<string, unknown>;

function invoice(): Args {
  const currency = pick(CURRENCIES);
  const args: Args = { invoice_id: `INV-${int(1000, 99999)}`, amount: chance(0.5) ? plain(bigAmount()) : smallAmount(), currency };
  if (chance(0.6)) args.issue_date = date(2025, 2026);
  if (chance(0.4)) args.due_date = date(2026, 2027);
  if (chance(0.5)) args.seller = { name: pick(COMPANIES) };
  if (chance(0.8)) args.buyer = { name: pick(COMPANIES) };
  if (chance(0.3)) args.purchase_order = `PO-${int(10000, 99999)}`;
  if (chance(0.4)) args.line_items = Array.from({ length: int(1, 2) }, () => ({ description: pick(SERVICES), quantity: int(1, 40), unit_price: smallAmount() }));
  if (chance(0.3)) args.notes = pick(['Net 30', 'Thank you for your business', 'Paid by bank transfer']);
  return args;
}

function patient(): Args {
  const [city, zip, country] = pick(CITIES);
  const args: Args = {
    resourceType: 'Patient',
    id: `pat-${int(1000, 9999)}`,
    identifier: [{ system: 'urn:oid:1.2.36.146.595.217.0.1', value: `MRN-${int(100000, 999999)}` }],
    name: [{ family: pick(FAMILIES), given: [pick(GIVEN)] }],
    gender: pick(['female', 'male']),
    birthDate: date(1935, 2010),
  };
  if (chance(0.7)) args.address = [{ use: 'home', city, postalCode: zip, country }];
  if (chance(0.5)) args.active = true;
  return args;
}

function order(): Args {
  const args: Args = { po_number: `PO-${int(10000, 99999)}`, currency: pick(CURRENCIES) };
  if (chance(0.6)) args.order_date = date(2025, 2026);
  if (chance(0.5)) args.requested_delivery_date = date(2026, 2027);
  if (chance(0.8)) args.buyer = { name: pick(COMPANIES) };
  if (chance(0.6)) args.supplier = { name: pick(COMPANIES) };
  args.items = Array.from({ length: int(1, 3) }, () => ({ sku: `SKU-${int(10000, 99999)}`, description: pick(ITEMS), quantity: int(1, 500), unit_price: smallAmount() }));
  return args;
}

const MAKE: Record<Vertical, () => Args> = { finance: invoice, healthcare: patient, supply: order };
const json = (v: unknown) => JSON.stringify(v);
const pretty = (v: unknown) => JSON.stringify(v, null, 2);
const clone = <T>(v: T): T => structuredClone(v);

type Made = Omit<CorpusCase, 'id' | 'source' | 'vertical'>;
type Shape = (gold: Args, v: Vertical) => Made | null;

const SYMBOL: Record<string, string> = { USD: '$', EUR: '€', GBP: '£' };
const amountKey = (v: Vertical) => (v === 'finance' ? ['amount'] : v === 'supply' ? ['items', 0, 'unit_price'] : null);
function setAt(obj: Args, p: (string | number)[], value: unknown) {
  let node: Record<string | number, unknown> = obj;
  for (const s of p.slice(0, -1)) node = node[s] as Record<string | number, unknown>;
  node[p.at(-1)!] = value;
}
function getAt(obj: Args, p: (string | number)[]): unknown {
  return p.reduce<unknown>((n, s) => (n as Record<string | number, unknown>)[s], obj);
}

const deterministic: Record<string, Shape> = {
  code_fence: (g) => ({ shape: 'code_fence', label: 'deterministic', text: '```json\n' + pretty(g) + '\n```', gold: g }),
  trailing_prose: (g) => ({ shape: 'trailing_prose', label: 'deterministic', text: json(g) + pick(['\n\nLet me know if you need anything else!', ' I have filled in every field you gave me.', '\n\nNote: amounts are in major units.']), gold: g }),
  leading_prose: (g) => ({ shape: 'leading_prose', label: 'deterministic', text: pick(['Here is the tool call:\n', 'Sure! ', 'Calling the tool with these arguments: ']) + json(g), gold: g }),
  single_quotes: (g) => ({ shape: 'single_quotes', label: 'deterministic', text: json(g).replace(/"/g, "'"), gold: g }),
  python_literals: (g, v) => {
    if (v === 'healthcare') {
      const gold = { ...g, active: true, deceasedBoolean: false };
      return { shape: 'python_literals', label: 'deterministic', text: json(gold).replace('"active":true', '"active":True').replace('"deceasedBoolean":false', '"deceasedBoolean":False'), gold };
    }
    const key = v === 'finance' ? (g.notes === undefined ? 'notes' : 'purchase_order') : 'order_date';
    if (g[key] !== undefined) return null;
    return { shape: 'python_literals', label: 'deterministic', text: json(g).replace(/}$/, `, "${key}": None}`), gold: g };
  },
  comments: (g) => ({ shape: 'comments', label: 'deterministic', text: pretty(g).replace(/\n/, '\n  // generated by the assistant\n').replace(/}$/, '  /* end */\n}'), gold: g }),
  trailing_comma: (g) => ({ shape: 'trailing_comma', label: 'deterministic', text: pretty(g).replace(/\n}$/, ',\n}'), gold: g }),
  missing_closing_brace: (g) => ({ shape: 'missing_closing_brace', label: 'deterministic', text: json(g).replace(/}$/, ''), gold: g }),
  json_in_string: (g) => ({ shape: 'json_in_string', label: 'deterministic', text: json(json(g)), gold: g }),
  duplicate_key_same_value: (g) => {
    const [key, value] = Object.entries(g)[0]!;
    return { shape: 'duplicate_key_same_value', label: 'deterministic', text: json(g).replace(/}$/, `,${json(key)}:${json(value)}}`), gold: g };
  },
  nested_json_string: (g, v) => {
    const key = v === 'finance' ? 'line_items' : v === 'supply' ? 'items' : 'name';
    if (g[key] === undefined) return null;
    return { shape: 'nested_json_string', label: 'deterministic', text: json({ ...g, [key]: json(g[key]) }), gold: g };
  },
  thousands_separators: (g, v) => {
    const p = amountKey(v);
    if (!p) return null;
    const grouped = bigAmount();
    const gold = clone(g);
    setAt(gold, p, plain(grouped));
    const broken = clone(gold);
    setAt(broken, p, grouped);
    return { shape: 'thousands_separators', label: 'deterministic', text: json(broken), gold };
  },
  locale_decimals: (g, v) => {
    const p = amountKey(v);
    if (!p) return null;
    const grouped = bigAmount();
    const gold = clone(g);
    setAt(gold, p, plain(grouped));
    const broken = clone(gold);
    const [units, cents] = plain(grouped).split('.');
    const thousands = units!.slice(0, -3);
    setAt(broken, p, `${thousands}${pick(['.', ' '])}${units!.slice(-3)},${cents}`);
    return { shape: 'locale_decimals', label: 'deterministic', text: json(broken), gold };
  },
  currency_in_amount: (g, v) => {
    const p = amountKey(v);
    if (!p) return null;
    const currency = g.currency as string;
    const value = getAt(g, p) as string;
    const symbol = SYMBOL[currency];
    const broken = clone(g);
    const gold = clone(g);
    const written = symbol && chance(0.6) ? (symbol === '€' ? `${value} €` : `${symbol}${value}`) : pick([`${currency} ${value}`, `${value} ${currency}`]);
    setAt(broken, p, written);
    // Without a currency field, the amount's mark supplies it (finance: at the top; supply: on the item).
    if (chance(0.5) && (symbol !== '$' || currency === 'USD')) {
      delete broken.currency;
      if (v === 'supply') {
        delete gold.currency;
        for (const item of gold.items as Args[]) item.currency = currency;
        if ((broken.items as Args[]).length > 1) return null;
      }
    }
    return { shape: 'currency_in_amount', label: 'deterministic', text: json(broken), gold };
  },
  lowercase_currency: (g, v) => {
    if (v === 'healthcare') return null;
    return { shape: 'lowercase_currency', label: 'deterministic', text: json({ ...g, currency: (g.currency as string).toLowerCase() }), gold: g };
  },
  party_as_name: (g, v) => {
    const key = v === 'finance' ? 'buyer' : v === 'supply' ? 'supplier' : null;
    if (!key || g[key] === undefined) return null;
    return { shape: 'party_as_name', label: 'deterministic', text: json({ ...g, [key]: (g[key] as Args).name }), gold: g };
  },
};

function prose(g: Args, v: Vertical): Made {
  if (v === 'finance') {
    const buyer = g.buyer as Args | undefined;
    const gold: Args = { invoice_id: g.invoice_id, amount: g.amount, currency: g.currency };
    if (buyer) gold.buyer = buyer;
    if (g.due_date) gold.due_date = g.due_date;
    const parts = [`Invoice ${g.invoice_id} for ${g.amount} ${g.currency}`, buyer ? ` billed to ${buyer.name as string}` : '', g.due_date ? `, due ${longDate(g.due_date as string)}` : '', '.'];
    return { shape: 'prose_only', label: 'needs-llm', text: parts.join(''), gold };
  }
  if (v === 'healthcare') {
    const name = (g.name as Args[])[0]!;
    const mrn = (g.identifier as Args[])[0]!.value as string;
    const gold: Args = { resourceType: 'Patient', identifier: [{ value: mrn }], name: [{ family: name.family, given: name.given }], gender: g.gender, birthDate: g.birthDate };
    return { shape: 'prose_only', label: 'needs-llm', text: `New patient ${(name.given as string[])[0]} ${name.family as string} (${mrn}), ${g.gender as string}, born ${longDate(g.birthDate as string)}.`, gold };
  }
  const items = g.items as Args[];
  const gold: Args = { po_number: g.po_number, currency: g.currency, items: items.map(({ sku, description, quantity, unit_price }) => ({ sku, description, quantity, unit_price })) };
  if (g.buyer) gold.buyer = g.buyer;
  const lines = items.map((i) => `${i.quantity as number} x ${i.sku as string} (${i.description as string}) at ${i.unit_price as string} ${g.currency as string} each`).join('; ');
  return { shape: 'prose_only', label: 'needs-llm', text: `Purchase order ${g.po_number as string}${g.buyer ? ` from ${(g.buyer as Args).name as string}` : ''}: ${lines}.`, gold };
}

const RENAMES: Record<Vertical, Record<string, string>> = {
  finance: { invoice_id: 'invoiceNumber', amount: 'total', currency: 'currencyCode', buyer: 'client', due_date: 'dueDate', issue_date: 'invoiceDate' },
  healthcare: { birthDate: 'birth_date', gender: 'sex', identifier: 'identifiers' },
  supply: { po_number: 'poNumber', items: 'lines', requested_delivery_date: 'deliveryDate', supplier: 'vendor' },
};

const needsLlm: Record<string, Shape> = {
  prose_only: prose,
  renamed_keys: (g, v) => ({ shape: 'renamed_keys', label: 'needs-llm', text: json(Object.fromEntries(Object.entries(g).map(([k, val]) => [RENAMES[v][k] ?? k, val]))), gold: g }),
  date_formats: (g, v) => {
    const key = v === 'finance' ? (g.issue_date ? 'issue_date' : g.due_date ? 'due_date' : null) : v === 'healthcare' ? 'birthDate' : g.order_date ? 'order_date' : null;
    if (!key) return null;
    return { shape: 'date_formats', label: 'needs-llm', text: json({ ...g, [key]: longDate(g[key] as string) }), gold: g };
  },
  wrong_types: (g, v) => {
    if (v === 'finance') return g.line_items ? { shape: 'wrong_types', label: 'needs-llm', text: json({ ...g, line_items: (g.line_items as Args[])[0] }), gold: { ...g, line_items: [(g.line_items as Args[])[0]] } } : null;
    if (v === 'supply') return { shape: 'wrong_types', label: 'needs-llm', text: json({ ...g, items: (g.items as Args[])[0] }), gold: { ...g, items: [(g.items as Args[])[0]] } };
    const name = (g.name as Args[])[0]!;
    return { shape: 'wrong_types', label: 'needs-llm', text: json({ ...g, name: `${(name.given as string[])[0]} ${name.family as string}` }), gold: g };
  },
  wrapped: (g, v) => ({ shape: 'wrapped', label: 'needs-llm', text: json({ [v === 'finance' ? 'invoice' : v === 'healthcare' ? 'patient' : 'purchase_order']: g }), gold: g }),
};

const refuse: Record<string, Shape> = {
  ambiguous_comma_decimal: (g, v) => {
    const p = amountKey(v);
    if (!p) return null;
    const broken = clone(g);
    setAt(broken, p, `${int(1, 99)},${int(1, 9)}`);
    return { shape: 'ambiguous_comma_decimal', label: 'refuse', text: json(broken), refusal: 'ARGUMENTS_AMBIGUOUS' };
  },
  ambiguous_dot_group: (g, v) => {
    const p = amountKey(v);
    if (!p) return null;
    const broken = clone(g);
    setAt(broken, p, `${int(1, 99)}.${String(int(0, 999)).padStart(3, '0')} ${g.currency as string}`);
    return { shape: 'ambiguous_dot_group', label: 'refuse', text: json(broken), refusal: 'ARGUMENTS_AMBIGUOUS' };
  },
  currency_conflict: (g, v) => {
    const p = amountKey(v);
    if (!p || g.currency === 'USD' || g.currency === 'CAD') return null; // $ agrees with both
    const broken = clone(g);
    setAt(broken, p, `$${getAt(g, p) as string}`);
    return { shape: 'currency_conflict', label: 'refuse', text: json(broken), refusal: 'ARGUMENTS_AMBIGUOUS' };
  },
  duplicate_key_conflict: (g) => {
    const [key, value] = Object.entries(g).find(([k]) => k !== 'resourceType')!;
    const other = typeof value === 'string' ? `${value}-2` : 'other';
    return { shape: 'duplicate_key_conflict', label: 'refuse', text: json(g).replace(/}$/, `,${json(key)}:${json(other)}}`), refusal: 'ARGUMENTS_AMBIGUOUS' };
  },
  two_objects: (g) => ({ shape: 'two_objects', label: 'refuse', text: `${json(g)}\n\nOr, if you prefer:\n${json({ ...g })}`, refusal: 'ARGUMENTS_AMBIGUOUS' }),
  truncated_value: (g) => {
    const text = json(g);
    // Cut inside the last string or number, as a model stopped by max_tokens does.
    const cut = text.search(/("[^"]{2,}"|\d{2,})[^"\d]*$/);
    if (cut === -1) return null;
    return { shape: 'truncated_value', label: 'refuse', text: text.slice(0, cut + 2), refusal: 'ARGUMENTS_TRUNCATED' };
  },
};

const WEIGHTS: [Record<string, Shape>, number][] = [
  [deterministic, 0.6],
  [needsLlm, 0.22],
  [refuse, 0.18],
];

function generate(): CorpusCase[] {
  const cases: CorpusCase[] = [];
  for (const vertical of ['finance', 'healthcare', 'supply'] as Vertical[]) {
    let n = 0;
    while (n < PER_VERTICAL) {
      const r = random();
      let acc = 0;
      const family = WEIGHTS.find(([, w]) => (acc += w) > r)?.[0] ?? refuse;
      const made = pick(Object.values(family))(MAKE[vertical](), vertical);
      if (!made) continue;
      n += 1;
      cases.push({ id: `${vertical}-${String(n).padStart(4, '0')}`, source: 'generated', vertical, ...made });
    }
  }
  return cases;
}

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), '../tests/repair/generated.json');
const cases = generate();
writeFileSync(out, `${JSON.stringify({ seed: SEED, cases }, null, 1)}\n`);
console.log(`wrote ${cases.length} cases to ${path.relative(process.cwd(), out)}`);
