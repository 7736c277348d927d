// A synchronous evaluator for the part of JSONata the mapping expressions use.
//
// JSONata 2 evaluates every node of an expression through an async function. On the exchange
// hot path those promises cost more than the mapping itself: the invoice mapping's transform
// took 112 µs per call that way and takes 16 µs through this module (README, "Benchmark").
// This module walks the same parsed tree (`expression.ast()`) with plain function calls,
// following jsonata.js 2.2 step by step: sequences, singleton unwrapping, path flattening,
// predicates, `#$i` index bindings.
//
// It is a fast path, never a second opinion:
// - compileSyncEvaluator() returns null when the expression uses anything outside the subset
//   handled here; the registry then evaluates with JSONata alone.
// - At run time, anything unusual (an argument a function signature might refuse, an
//   undefined argument to a registered function, a function used as a value, any error at
//   all) throws, and the registry evaluates that payload with JSONata instead. So every
//   result and every error message the API returns is JSONata's; tests hold the two to the
//   same answers on every example and on mutations of them (sync-evaluator.test.ts).

/** The evaluator met something it does not model; JSONata must answer instead. */
class NotHandled extends Error {}

export interface RegisteredFunction {
  name: string;
  signature: string;
  implementation: (...args: never[]) => unknown;
}

export interface SyncEvaluator {
  /** The expression's value, or throws (NotHandled or any other error) for JSONata to decide. */
  evaluate(input: unknown, bindings: Record<string, unknown>): unknown;
}

/* The nodes of jsonata's parsed tree that this module reads. */
interface Node {
  type: string;
  value?: unknown;
  position?: number;
  steps?: Node[];
  stages?: { type: string; expr: Node }[];
  predicate?: { type: string; expr: Node }[];
  expressions?: Node[];
  lhs?: Node | [Node, Node][];
  rhs?: Node;
  expression?: Node;
  condition?: Node;
  then?: Node;
  else?: Node;
  procedure?: Node;
  arguments?: Node[];
  body?: Node;
  signature?: unknown;
  thunk?: boolean;
  consarray?: boolean;
  tuple?: boolean;
  index?: string;
  [flag: string]: unknown;
}

type Sequence = unknown[] & { sequence?: true; cons?: true };
type Compiled = (input: unknown, env: Frame) => unknown;

const notHandled = (why: string): never => {
  throw new NotHandled(why);
};

// ---- values the expression can hold besides JSON ----

abstract class Callable {}

class Lambda extends Callable {
  constructor(
    readonly params: string[],
    readonly body: Compiled,
    readonly input: unknown,
    readonly env: Frame,
  ) {
    super();
  }
}

class Native extends Callable {
  constructor(readonly call: (args: unknown[]) => unknown) {
    super();
  }
}

class Matcher extends Callable {
  constructor(readonly regex: RegExp) {
    super();
  }
}

// ---- scopes ----

class Frame {
  private readonly bindings = new Map<string, unknown>();
  constructor(private readonly parent: Frame | null, private readonly root?: (name: string) => unknown) {}

  bind(name: string, value: unknown): void {
    this.bindings.set(name, value);
  }

  lookup(name: string): unknown {
    if (this.bindings.has(name)) return this.bindings.get(name);
    if (this.parent) return this.parent.lookup(name);
    return this.root!(name);
  }
}

// ---- jsonata's value rules ----

function sequence(...items: unknown[]): Sequence {
  const s: Sequence = items;
  s.sequence = true;
  return s;
}

const isSequence = (v: unknown): v is Sequence => Array.isArray(v) && (v as Sequence).sequence === true;

function isNumeric(v: unknown): v is number {
  if (typeof v !== 'number' || Number.isNaN(v)) return false;
  if (!Number.isFinite(v)) notHandled('a non-finite number');
  return true;
}

/** jsonata's effective boolean value ($boolean). */
function truthy(v: unknown): boolean | undefined {
  if (v === undefined) return undefined;
  if (v instanceof Callable) return notHandled('a function as a boolean');
  if (Array.isArray(v)) return v.length === 1 ? truthy(v[0]) : v.length > 1 && v.some((x) => truthy(x));
  if (typeof v === 'string') return v.length > 0;
  if (isNumeric(v)) return v !== 0;
  if (v !== null && typeof v === 'object') return Object.keys(v).length > 0;
  return v === true;
}

/** jsonata's $string for the values it renders without JSON.stringify of a structure. */
function toText(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || v === null) return String(v);
  if (typeof v === 'number' && Number.isFinite(v)) return JSON.stringify(Number.isInteger(v) ? v : Number(v.toPrecision(15)));
  return notHandled('$string of a structure');
}

function lookupField(input: unknown, key: string): unknown {
  if (Array.isArray(input)) {
    const result = sequence();
    for (const item of input) {
      const res = lookupField(item, key);
      if (res === undefined) continue;
      if (Array.isArray(res)) result.push(...res);
      else result.push(res);
    }
    return result;
  }
  if (input instanceof Callable) return undefined;
  if (input !== null && typeof input === 'object' && Object.prototype.hasOwnProperty.call(input, key)) return (input as Record<string, unknown>)[key];
  return undefined;
}

/** $append, also how an array constructor gathers its items. */
function append(a: unknown, b: unknown): unknown {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const left = Array.isArray(a) ? a : sequence(a);
  return left.concat(Array.isArray(b) ? b : [b]);
}

function primitiveEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((typeof a === 'object' && a !== null) || (typeof b === 'object' && b !== null)) return notHandled('deep equality');
  return false;
}

// ---- built-in functions: the ones the verticals call, where the arguments are plain ----

function arity(name: string, args: unknown[], n: number): void {
  if (args.length !== n) notHandled(`$${name} with ${args.length} arguments`);
}

const BUILTINS: Record<string, (args: unknown[]) => unknown> = {
  exists(args) {
    arity('exists', args, 1);
    return args[0] !== undefined;
  },
  string(args) {
    arity('string', args, 1);
    return toText(args[0]);
  },
  uppercase(args) {
    arity('uppercase', args, 1);
    const [s] = args;
    if (s === undefined) return undefined;
    return typeof s === 'string' ? s.toUpperCase() : notHandled('$uppercase of a non-string');
  },
  trim(args) {
    arity('trim', args, 1);
    const [s] = args;
    if (s === undefined) return undefined;
    if (typeof s !== 'string') return notHandled('$trim of a non-string');
    let result = s.replace(/[ \t\n\r]+/gm, ' ');
    if (result.startsWith(' ')) result = result.substring(1);
    if (result.endsWith(' ')) result = result.substring(0, result.length - 1);
    return result;
  },
  contains(args) {
    arity('contains', args, 2);
    const [s, token] = args;
    if (s === undefined || token === undefined) return undefined;
    if (typeof s !== 'string') return notHandled('$contains in a non-string');
    if (typeof token === 'string') return s.includes(token);
    if (token instanceof Matcher) {
      token.regex.lastIndex = 0;
      return token.regex.exec(s) !== null;
    }
    return notHandled('$contains with an unusual token');
  },
  // Array parameters (`a`, `a<n>`, `a<s>`): the signature check wraps a single value in an array.
  count(args) {
    arity('count', args, 1);
    const [a] = args;
    if (a === undefined) return 0;
    return Array.isArray(a) ? a.length : 1;
  },
  sum(args) {
    arity('sum', args, 1);
    const [a] = args;
    if (a === undefined) return undefined;
    const numbers = Array.isArray(a) ? a : [a];
    if (!numbers.every((n) => isNumeric(n))) return notHandled('$sum of anything but numbers');
    let total = 0;
    for (const n of numbers as number[]) total += n;
    return total;
  },
  join(args) {
    if (args.length !== 1 && args.length !== 2) return notHandled('$join arity');
    const [a, separator = ''] = args;
    if (a === undefined) return undefined;
    const strings = Array.isArray(a) ? a : [a];
    if (!strings.every((s) => typeof s === 'string') || typeof separator !== 'string') return notHandled('$join of anything but strings');
    return strings.join(separator);
  },
  append(args) {
    arity('append', args, 2);
    return append(args[0], args[1]);
  },
  distinct(args) {
    arity('distinct', args, 1);
    const [a] = args;
    if (!Array.isArray(a) || a.length <= 1) return a;
    const results: unknown[] = isSequence(a) ? sequence() : [];
    for (const value of a) if (!results.some((r) => primitiveEqual(value, r))) results.push(value);
    return results;
  },
};

// ---- registered functions: their jsonata signatures, for the argument shapes handled here ----

interface Param {
  /** Type symbols a plain argument may have ('s', 'n', 'b'), or 'x' for any. */
  types: string;
  /** Array parameter; `of` is the item symbol when the signature gives one. */
  array?: { of?: string };
  optional: boolean;
}

/** Parses `<(ns)s?:s>`-style signatures; null for anything richer (context, functions, objects). */
export function parseSignature(signature: string): Param[] | null {
  const m = /^<([^:]*)(?::[^:]*)?>$/.exec(signature);
  if (!m) return null;
  const params: Param[] = [];
  const token = /\(([snb]+)\)|a<([sn])>|([snbxa])|(\?)/gy;
  const body = m[1]!;
  let match: RegExpExecArray | null;
  let at = 0;
  while (at < body.length && (match = token.exec(body))) {
    at = token.lastIndex;
    const [, choice, itemType, single, optional] = match;
    if (optional) {
      const last = params.at(-1);
      if (!last || last.optional) return null;
      last.optional = true;
    } else if (itemType) params.push({ types: 'a', array: { of: itemType }, optional: false });
    else if (single === 'a') params.push({ types: 'a', array: {}, optional: false });
    else params.push({ types: choice ?? single!, optional: false });
  }
  if (at !== body.length) return null;
  // An optional parameter before a required one would let jsonata's regex shift arguments.
  const firstOptional = params.findIndex((p) => p.optional);
  if (firstOptional >= 0 && params.slice(firstOptional).some((p) => !p.optional)) return null;
  return params;
}

function symbolOf(v: unknown): string {
  if (typeof v === 'string') return 's';
  if (typeof v === 'number') return 'n';
  if (typeof v === 'boolean') return 'b';
  return notHandled('an argument that is not a string, number or boolean');
}

/** The arguments as jsonata's signature check would pass them on, or NotHandled. */
function validated(params: Param[] | null, args: unknown[]): unknown[] {
  if (!params) return notHandled('a signature not modelled');
  if (args.length > params.length) return notHandled('too many arguments');
  if (params.slice(args.length).some((p) => !p.optional)) return notHandled('a missing argument');
  return args.map((arg, i) => {
    const p = params[i]!;
    if (arg === undefined) return notHandled('an undefined argument');
    if (p.array) {
      const items = Array.isArray(arg) ? arg : [arg];
      const of = p.array.of;
      if (of && !items.every((item) => symbolOf(item) === of)) return notHandled('array items of another type');
      return items;
    }
    if (p.types === 'x') return arg instanceof Callable ? notHandled('a function argument') : arg;
    return p.types.includes(symbolOf(arg)) ? arg : notHandled('an argument of another type');
  });
}

// ---- the tree walk ----

const FLAGS_NOT_HANDLED = ['group', 'keepArray', 'keepSingletonArray', 'focus', 'ancestor', 'seekingParent', 'nextFunction'];

function checkFlags(node: Node): void {
  for (const flag of FLAGS_NOT_HANDLED) if (node[flag] !== undefined) notHandled(`the ${flag} flag`);
  for (const p of node.predicate ?? []) if (p.type !== 'filter') notHandled(`a ${p.type} predicate`);
  for (const s of node.stages ?? []) if (s.type !== 'filter') notHandled(`a ${s.type} stage`);
}

/** Binds that are not inside a block or lambda of their own would leak between parallel items. */
function bindsInScope(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(bindsInScope);
  if (node === null || typeof node !== 'object') return false;
  const n = node as Node;
  if (n.type === 'bind') return true;
  if (n.type === 'block' || n.type === 'lambda') return false;
  return Object.values(n).some((v) => typeof v === 'object' && bindsInScope(v));
}

function compile(node: Node | undefined): Compiled {
  if (!node || typeof node !== 'object') return notHandled('a node of unknown shape');
  checkFlags(node);
  const core = compileCore(node);
  const predicates = (node.predicate ?? []).map((p) => compileFilter(p.expr));
  // jsonata's evaluate(): predicates, then a sequence of one is its item, of none undefined.
  return (input, env) => {
    let result = core(input, env);
    for (const p of predicates) result = p(result, env);
    if (isSequence(result)) return result.length === 0 ? undefined : result.length === 1 ? result[0] : result;
    return result;
  };
}

function compileCore(node: Node): Compiled {
  switch (node.type) {
    case 'string':
    case 'number':
    case 'value': {
      const value = node.value;
      return () => value;
    }
    case 'name': {
      const key = node.value as string;
      return (input) => lookupField(input, key);
    }
    case 'variable':
      return compileVariable(node.value as string);
    case 'path':
      return compilePath(node);
    case 'binary':
      return compileBinary(node);
    case 'unary':
      return compileUnary(node);
    case 'condition': {
      const condition = compile(node.condition!);
      const then = compile(node.then!);
      const otherwise = node.else ? compile(node.else) : undefined;
      return (input, env) => (truthy(condition(input, env)) ? then(input, env) : otherwise?.(input, env));
    }
    case 'block': {
      const expressions = node.expressions!.map(compile);
      return (input, env) => {
        const frame = new Frame(env);
        let result: unknown;
        for (const e of expressions) result = e(input, frame);
        return result;
      };
    }
    case 'bind': {
      const name = (node.lhs as Node).value as string;
      const value = compile(node.rhs!);
      return (input, env) => {
        const v = value(input, env);
        env.bind(name, v);
        return v;
      };
    }
    case 'regex': {
      const source = node.value as RegExp;
      return () => new Matcher(new RegExp(source));
    }
    case 'lambda':
      return compileLambda(node);
    case 'function':
      return compileCall(node);
    default:
      return notHandled(`a ${node.type} expression`);
  }
}

function compileVariable(name: string): Compiled {
  if (name === '') return (input) => (Array.isArray(input) ? notHandled('an array context') : input);
  if (name === '$') return notHandled('$$');
  return (_input, env) => env.lookup(name);
}

function compileLambda(node: Node): Compiled {
  // A tail call: jsonata returns it as a thunk and runs it straight away in the same scope.
  if (node.thunk) return compile(node.body!);
  if (node.signature !== undefined) return notHandled('a lambda with a signature');
  const params = node.arguments!.map((a) => a.value as string);
  const body = compile(node.body!);
  return (input, env) => new Lambda(params, body, input, env);
}

function compileCall(node: Node): Compiled {
  const procedure = compile(node.procedure!);
  const args = node.arguments!.map(compile);
  return (input, env) => {
    const proc = procedure(input, env);
    const values = args.map((a) => a(input, env));
    if (values.some((v) => v instanceof Callable && !(v instanceof Matcher))) return notHandled('a function passed as an argument');
    if (proc instanceof Lambda) {
      const frame = new Frame(proc.env);
      proc.params.forEach((p, i) => frame.bind(p, values[i]));
      return proc.body(proc.input, frame);
    }
    if (proc instanceof Native) return proc.call(values);
    return notHandled('a call of something that is not a function');
  };
}

function compileBinary(node: Node): Compiled {
  const op = node.value as string;
  const lhs = compile(node.lhs as Node);
  const rhs = compile(node.rhs!);
  switch (op) {
    case 'and':
      return (input, env) => (truthy(lhs(input, env)) ?? false) && (truthy(rhs(input, env)) ?? false);
    case 'or':
      return (input, env) => (truthy(lhs(input, env)) ?? false) || (truthy(rhs(input, env)) ?? false);
    case '&':
      return (input, env) => (toText(lhs(input, env)) ?? '') + (toText(rhs(input, env)) ?? '');
    case '=':
    case '!=':
      return (input, env) => {
        const l = lhs(input, env);
        const r = rhs(input, env);
        if (l === undefined || r === undefined) return false;
        return primitiveEqual(l, r) === (op === '=');
      };
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
      return (input, env) => {
        const l = lhs(input, env);
        const r = rhs(input, env);
        if ((l !== undefined && !isNumeric(l)) || (r !== undefined && !isNumeric(r))) return notHandled('arithmetic on a non-number');
        if (l === undefined || r === undefined) return undefined;
        const value = op === '+' ? l + r : op === '-' ? l - r : op === '*' ? l * r : op === '/' ? l / r : l % r;
        return isNumeric(value) ? value : notHandled('arithmetic without a number result');
      };
    default:
      return notHandled(`the ${op} operator`);
  }
}

function compileUnary(node: Node): Compiled {
  switch (node.value) {
    case '-': {
      const operand = compile(node.expression!);
      return (input, env) => {
        const v = operand(input, env);
        if (v === undefined) return undefined;
        return isNumeric(v) ? -v : notHandled('negating a non-number');
      };
    }
    case '[': {
      if (bindsInScope(node.expressions)) return notHandled('a bind inside an array constructor');
      const items = node.expressions!.map((e) => ({ nested: e.value === '[', value: compile(e) }));
      const cons = node.consarray === true;
      return (input, env) => {
        let result: unknown = [];
        for (const item of items) {
          const value = item.value(input, env);
          if (value === undefined) continue;
          if (value instanceof Callable) return notHandled('a function in an array');
          if (item.nested) (result as unknown[]).push(value);
          else result = append(result, value);
        }
        if (cons) Object.defineProperty(result, 'cons', { enumerable: false, configurable: false, value: true });
        return result;
      };
    }
    case '{':
      return compileObject(node);
    default:
      return notHandled(`the unary ${String(node.value)} operator`);
  }
}

function compileObject(node: Node): Compiled {
  if (bindsInScope(node.lhs)) return notHandled('a bind inside an object constructor');
  const pairs = (node.lhs as [Node, Node][]).map(([key, value]) => [compile(key), compile(value)] as const);
  return (input, env) => {
    // jsonata groups an array context by key; a single item (or none) is the common case.
    if (Array.isArray(input)) return notHandled('an object constructor over an array');
    const chosen: Record<string, number> = Object.create(null);
    pairs.forEach(([key], index) => {
      const k = key(input, env);
      if (k === undefined) return;
      if (typeof k !== 'string') return notHandled('a key that is not a string');
      if (k === '_jsonata_lambda' || k === '_jsonata_function' || k in chosen) return notHandled('a reserved or repeated key');
      chosen[k] = index;
    });
    const result: Record<string, unknown> = Object.create(null);
    for (const k of Object.keys(chosen)) {
      const value = pairs[chosen[k]!]![1](input, env);
      if (value instanceof Callable) return notHandled('a function as a value');
      if (value !== undefined) result[k] = value;
    }
    return result;
  };
}

function compileFilter(predicate: Node): (input: unknown, env: Frame) => Sequence {
  if (predicate.type === 'number') {
    checkFlags(predicate);
    if (predicate.predicate) notHandled('a predicate on a numeric predicate');
    const position = Math.floor(predicate.value as number);
    return (input) => {
      const items = Array.isArray(input) ? input : sequence(input);
      const item = items[position < 0 ? items.length + position : position];
      if (item === undefined) return sequence();
      return Array.isArray(item) ? item : sequence(item);
    };
  }
  const test = compile(predicate);
  return (input, env) => {
    const items = Array.isArray(input) ? input : sequence(input);
    const results = sequence();
    items.forEach((item, index) => {
      let res = test(item, env);
      if (isNumeric(res)) res = [res];
      if (Array.isArray(res) && res.every((n) => isNumeric(n))) {
        for (const n of res as number[]) {
          const at = Math.floor(n);
          if ((at < 0 ? items.length + at : at) === index) results.push(item);
        }
      } else if (truthy(res)) results.push(item);
    });
    return results;
  };
}

interface Step {
  value: Compiled;
  stages: ((input: unknown, env: Frame) => Sequence)[];
  index?: string;
  tuple: boolean;
  consarray: boolean;
}

function compilePath(node: Node): Compiled {
  const steps: Step[] = node.steps!.map((s) => {
    checkFlags(s);
    if (s.type === 'sort') notHandled('a sort step');
    if (s.tuple && s.stages) notHandled('a filter after an index binding');
    return {
      value: compile(s),
      stages: (s.stages ?? []).map((st) => compileFilter(st.expr)),
      index: s.index,
      tuple: s.tuple === true,
      consarray: s.consarray === true,
    };
  });
  if (node.tuple) return notHandled('a tuple path');
  const absolute = node.steps![0]!.type === 'variable';

  return (input, env) => {
    let inputs: unknown[] = Array.isArray(input) && !absolute ? input : sequence(input);
    let results: unknown[] | undefined;
    let tuples: Record<string, unknown>[] | undefined;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      if (i === 0 && step.consarray) {
        results = step.value(inputs, env) as unknown[] | undefined;
      } else if (tuples || step.tuple) {
        tuples = tupleStep(step, tuples ?? inputs.map((item) => ({ '@': item })), env);
      } else {
        results = plainStep(step, inputs, env, i === steps.length - 1);
      }
      if (!tuples && (results === undefined || results.length === 0)) break;
      if (!tuples) inputs = results!;
    }
    return tuples ? sequence(...tuples.map((t) => t['@'])) : results;
  };
}

/** jsonata's evaluateStep: map the step over the inputs, then flatten one level. */
function plainStep(step: Step, inputs: unknown[], env: Frame, last: boolean): unknown[] {
  const mapped: unknown[] = [];
  for (const item of inputs) {
    let res = step.value(item, env);
    for (const stage of step.stages) res = stage(res, env);
    if (res !== undefined) mapped.push(res);
  }
  if (last && mapped.length === 1 && Array.isArray(mapped[0]) && !isSequence(mapped[0])) return mapped[0];
  const flat = sequence();
  for (const res of mapped) {
    if (!Array.isArray(res) || (res as Sequence).cons) flat.push(res);
    else flat.push(...res);
  }
  return flat;
}

/** jsonata's evaluateTupleStep for an `#$name` index binding (no focus, no stages). */
function tupleStep(step: Step, tuples: Record<string, unknown>[], env: Frame): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const tuple of tuples) {
    const frame = new Frame(env);
    for (const name of Object.keys(tuple)) frame.bind(name, tuple[name]);
    const res = step.value(tuple['@'], frame);
    if (res === undefined) continue;
    const items = Array.isArray(res) ? res : [res];
    items.forEach((item, position) => {
      const next: Record<string, unknown> = Object.assign(Object.create(null), tuple, { '@': item });
      if (step.index) next[step.index] = position;
      out.push(next);
    });
  }
  return out;
}

/**
 * The evaluator for a parsed expression, or null when it uses anything outside this subset.
 * `functions` are the ones registered on the jsonata expression, looked up the same way:
 * bindings first, then registered functions, then built-ins.
 */
export function compileSyncEvaluator(ast: unknown, functions: RegisteredFunction[]): SyncEvaluator | null {
  let root: Compiled;
  try {
    root = compile(ast as Node);
  } catch (err) {
    if (err instanceof NotHandled) return null;
    throw err;
  }
  const registered = new Map(
    functions.map((f) => {
      const params = parseSignature(f.signature);
      const implementation = f.implementation as (...args: unknown[]) => unknown;
      const call = (args: unknown[]) => {
        const result = implementation(...validated(params, args));
        return result !== null && typeof result === 'object' && 'then' in result ? notHandled('a promise') : result;
      };
      return [f.name, new Native(call)] as const;
    }),
  );
  const builtins = new Map(Object.entries(BUILTINS).map(([name, call]) => [name, new Native(call)]));
  return {
    evaluate(input, bindings) {
      if (Array.isArray(input)) return notHandled('an array as the input');
      const top = new Frame(null, (name) => registered.get(name) ?? builtins.get(name) ?? notHandled(`$${name}`));
      for (const [name, value] of Object.entries(bindings)) top.bind(name, value);
      top.bind('$', input);
      const result = root(input, top);
      return result instanceof Callable ? notHandled('a function as the result') : result;
    },
  };
}
