// The fast path must answer exactly as JSONata does, or hand over. Each case evaluates one
// expression both ways and compares the JSON text (key order included); a case the fast
// path hands over (throws) is fine for correctness, so the tests also say which cases it
// must handle itself, or the speed-up would silently vanish.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { mappingFunctions } from './functions';
import { loadRegistry } from './registry';
import { compileSyncEvaluator, parseSignature, type RegisteredFunction } from './sync-evaluator';

const functions = mappingFunctions({ pseudonymKey: 'test-key' });

function compileBoth(source: string, extra: RegisteredFunction[] = []) {
  const all = [...functions, ...extra];
  const slow = jsonata(source);
  for (const f of all) slow.registerFunction(f.name, f.implementation as never, f.signature);
  return { slow, fast: compileSyncEvaluator(slow.ast(), all) };
}

type Outcome = { handled: true; json: string | undefined } | { handled: false };

/** Both answers; fails the test when the fast path answers differently from JSONata. */
async function agree(source: string, input: unknown, bindings: Record<string, unknown> = {}, extra: RegisteredFunction[] = []): Promise<Outcome> {
  const { slow, fast } = compileBoth(source, extra);
  if (!fast) return { handled: false };
  let fastJson: string | undefined;
  try {
    fastJson = JSON.stringify(fast.evaluate(input, bindings));
  } catch {
    return { handled: false };
  }
  let slowJson: string | undefined;
  try {
    slowJson = JSON.stringify(await slow.evaluate(input, bindings));
  } catch (err) {
    throw new Error(`fast path answered ${fastJson} where JSONata throws ${(err as Error).message ?? JSON.stringify(err)} for ${source} on ${JSON.stringify(input)}`);
  }
  expect(fastJson, `${source} on ${JSON.stringify(input)}`).toBe(slowJson);
  return { handled: true, json: fastJson };
}

const data = {
  name: 'Ann',
  n: 3,
  price: 2.5,
  flag: true,
  none: null,
  empty: '',
  zero: 0,
  tags: ['a', 'b', 'a'],
  one: ['solo'],
  nested: [[1, 2], [3]],
  nums: [3, 1, 2],
  address: [
    { use: 'work', city: 'Lyon', lines: ['1 rue'] },
    { use: 'home', city: 'Paris', lines: ['2 rue', 'bis'] },
  ],
  items: [
    { sku: 'A', qty: 2, price: '1.50' },
    { sku: 'B', qty: 1, price: '3' },
  ],
  single: { sku: 'C', qty: 5 },
  obj: { a: 1, b: { c: 'deep' } },
};

// Each of these is inside the fast path's subset: it must handle them, and agree.
const HANDLED = [
  'name',
  'missing',
  'obj.b.c',
  'address.city',
  'address.lines',
  'address[0].lines',
  'address[use = "home"].city',
  'address[use = "home"][0]',
  'address[use = "nowhere"]',
  'address[-1].city',
  'address[1].lines[1]',
  'tags',
  'one',
  'one[0]',
  'nested',
  'nested[0]',
  'items.qty',
  'items[qty = 1].sku',
  'single.sku',
  'single[0].sku',
  'nums[1]',
  '$count(tags)',
  '$count(missing)',
  '$count(name)',
  '$sum(n)',
  '$join(name, ",")',
  '$sum(nums)',
  '$sum(items.qty)',
  '$join(tags, "-")',
  '$join(tags)',
  '$distinct(tags)',
  '$distinct(one)',
  '$append(name, tags)',
  '$append(tags, missing)',
  '$append(missing, nums)',
  '$exists(missing)',
  '$exists(none)',
  '$exists(empty)',
  '$string(n)',
  '$string(price)',
  '$string(0.1 + 0.2)',
  '$string(flag)',
  '$string(none)',
  '$string(missing)',
  '$uppercase(name)',
  '$uppercase(missing)',
  '$trim("  a \\t b\\n ")',
  '$contains(name, "nn")',
  '$contains(name, /^A[a-z]+$/)',
  '$contains(name, /^x/)',
  '$contains(missing, "a")',
  'name & "-" & n & "-" & flag & "-" & none & missing',
  'n + 1',
  'n - price',
  'n * 2',
  'n / 2',
  'n % 2',
  '-n',
  'n + missing',
  'n = 3',
  'name != "Ann"',
  'missing = 1',
  'flag and n',
  'zero or empty',
  'tags and none',
  'obj or missing',
  'n = 3 ? "yes" : "no"',
  'missing ? "yes"',
  'zero ? "yes" : "no"',
  '[] ? "yes" : "no"',
  'one ? "yes" : "no"',
  '{"a": name, "b": missing, "c": [n, tags], "d": {"e": obj.b.c}}',
  '{"k": single.sku, "k2": items[0].sku}',
  '[name, tags, nested, [n]]',
  '[items.sku]',
  '[missing]',
  '[]',
  'items.{"sku": sku, "total": qty * 2}',
  '[items.{"sku": sku}]',
  'items#$i.{"line": $i + 1, "sku": sku}',
  '[items#$i.{"line": $string($i + 1)}]',
  'single#$i.{"line": $i}',
  'missing#$i.{"line": $i}',
  '($x := n; $y := $x + 1; $y * 2)',
  '($x := 1; ($x := 2); $x)',
  '($f := function($a, $b) { $a & $b }; $f(name, "!"))',
  '($f := function($a) { $exists($a) ? {"v": $a} }; [$f(name), $f(missing)])',
  '($g := function($a) { $uppercase($a) }; $g(name))',
  '($k := "K"; $f := function() { $k & name }; $f())',
  '($list := $distinct($append("USD", items.sku)); $count($list) = 3 ? $list[0] : $join($list, ","))',
  '$to_minor("10.50", "USD")',
  '$sum_minor(["100", "250"])',
  '$sum_minor("100")',
  '$minor_to_decimal("1050", "EUR")',
  '$pseudonym(name, "tenant")',
  '$generalize_zip("94110", "US")',
  '$generalize_zip("94110")',
  '$age_band("1950-02-01", "2026-01-01")',
];

// Outside the subset: the compiler declines, and the registry uses JSONata alone.
const DECLINED = [
  'items^(qty)',
  'obj.*',
  'obj.**',
  '[0..1]',
  'n in nums',
  'n > 1',
  'name ~> $uppercase()',
  'items{sku: qty}',
  'items@$it.sku',
  '$$.name',
  'function($a)<n:n> { $a }(1)',
  'obj ~> |b|{"c": 1}|',
];

describe('the synchronous evaluator', () => {
  it.each(HANDLED)('handles %s exactly as JSONata', async (source) => {
    const outcome = await agree(source, data);
    expect(outcome.handled, `${source} was handed over`).toBe(true);
  });

  it.each(DECLINED)('declines %s', (source) => {
    expect(compileBoth(source).fast).toBeNull();
  });

  it('hands over, at run time, whatever JSONata would refuse or treats in its own way', async () => {
    const cases: [string, unknown][] = [
      ['$error("no")', data],
      ['$uppercase(n)', data],
      ['$sum(tags)', data],
      ['$to_minor(missing, "USD")', data],
      ['$to_minor(obj, "USD")', data],
      ['$to_minor("1", "USD", "/amount", "extra")', data],
      ['$to_minor("1.001", "USD")', data],
      ['name + 1', data],
      ['obj = single', data],
      ['$sort(nums)', data],
      ['$substring(name, 1)', data],
      ['$map(nums, function($v) { $v * 2 })', data],
      ['{"a": 1}', [1, 2]],
      ['$unbound_var', data],
      ['$nope(1)', data],
      ['1 / 0', data],
      ['{name: 1, "Ann": 2}', data],
      ['$string(obj)', data],
    ];
    for (const [source, input] of cases) expect((await agree(source, input)).handled, source).toBe(false);
  });

  it('reads the signatures of the registered functions', () => {
    expect(functions.map((f) => [f.name, parseSignature(f.signature) !== null])).toEqual(functions.map((f) => [f.name, true]));
    expect(parseSignature('<(ns)s?:s>')).toEqual([
      { types: 'ns', optional: false },
      { types: 's', optional: true },
    ]);
    expect(parseSignature('<a<s>:s>')).toEqual([{ types: 'a', array: { of: 's' }, optional: false }]);
    expect(parseSignature('<s?s:s>')).toBeNull(); // JSONata's regex could shift the arguments
    expect(parseSignature('<s-:s>')).toBeNull();
    expect(parseSignature('<f:s>')).toBeNull();
  });

  it('calls a registered function with JSONata-shaped arguments, or hands over', async () => {
    const echo: RegisteredFunction = { name: 'echo', signature: '<a<n>:s>', implementation: ((xs: number[]) => JSON.stringify(xs)) as never };
    expect(await agree('$echo(nums)', data, {}, [echo])).toEqual({ handled: true, json: '"[3,1,2]"' });
    expect(await agree('$echo(n)', data, {}, [echo])).toEqual({ handled: true, json: '"[3]"' });
    expect((await agree('$echo(tags)', data, {}, [echo])).handled).toBe(false);
  });
});

// ---- every mapping of the verticals, on every example and on mutations of it ----

const verticalsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'verticals');
const registry = loadRegistry();

interface Case {
  label: string;
  mapping: string;
  source: string;
  payload: unknown;
  bindings: Record<string, unknown>;
}

function exampleCases(): Case[] {
  const cases: Case[] = [];
  for (const vertical of readdirSync(verticalsDir)) {
    const manifest = JSON.parse(readFileSync(path.join(verticalsDir, vertical, 'vertical.json'), 'utf8')) as {
      mappings: { payload_type: string; target_type: string; expression: string; arguments?: { input?: boolean } }[];
    };
    for (const m of manifest.mappings) {
      const source = readFileSync(path.join(verticalsDir, vertical, m.expression), 'utf8');
      const mapping = registry.get(m.payload_type, m.target_type)!;
      for (const example of registry.examples().filter((e) => e.payloadType === m.payload_type && e.targetType === m.target_type)) {
        const args = mapping.extractArguments ? mapping.parseArguments!(mapping.extractArguments(example.payload)) : undefined;
        const parsedArgs = args?.ok ? args.value : undefined;
        cases.push({
          label: example.name,
          mapping: `${m.payload_type} → ${m.target_type}`,
          source,
          payload: m.arguments?.input ? parsedArgs : example.payload,
          bindings: { args: parsedArgs, tenant: example.tenant, trace_id: 'tr_1', as_of: example.asOf ?? '2026-01-01' },
        });
      }
    }
  }
  return cases;
}

const REPLACEMENTS: unknown[] = [null, 0, 7, 1.5, '', 'x', '12.30', true, [], {}, ['a', 'b'], [1, 2]];

/** The value with one part removed or replaced: every part, every replacement. */
function* mutations(value: unknown): Generator<unknown> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      yield value.filter((_, j) => j !== i);
      yield [...value, value[i]];
      for (const inner of mutations(value[i])) yield value.map((v, j) => (j === i ? inner : v));
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const { [key]: _removed, ...rest } = value as Record<string, unknown>;
      yield rest;
      yield { ...rest, [key]: [item] };
      for (const inner of mutations(item)) yield { ...value, [key]: inner };
    }
  } else {
    yield* REPLACEMENTS;
  }
}

describe('the verticals through the synchronous evaluator', () => {
  const cases = exampleCases();

  it('covers every mapping, and every one compiles to the fast path', () => {
    expect(new Set(cases.map((c) => c.mapping)).size).toBe(registry.list().length);
    for (const c of cases) expect(compileBoth(c.source).fast, c.label).not.toBeNull();
  });

  it.each(cases.map((c) => [c.label, c] as const))('maps example %s on the fast path, as JSONata does', async (_label, c) => {
    expect((await agree(c.source, c.payload, c.bindings)).handled).toBe(true);
  });

  it.each(cases.map((c) => [c.label, c] as const))('agrees with JSONata on every mutation of %s', async (_label, c) => {
    let handled = 0;
    let total = 0;
    for (const payload of mutations(c.payload)) {
      total++;
      if ((await agree(c.source, payload, c.bindings)).handled) handled++;
    }
    for (const args of c.bindings.args === undefined ? [] : mutations(c.bindings.args)) {
      total++;
      if ((await agree(c.source, c.payload, { ...c.bindings, args })).handled) handled++;
    }
    expect(total).toBeGreaterThan(20);
    expect(handled).toBeGreaterThan(0);
  });
});
