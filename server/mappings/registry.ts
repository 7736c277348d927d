// The mapping registry: every vertical under verticals/ is data (JSON Schemas, JSONata
// expressions, examples), read and compiled once by loadRegistry(). The exchange pipeline
// then calls, per request: validateInput → extractArguments/parseArguments/validateArguments
// (when the payload carries tool-call arguments) → transform → validateOutput.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import jsonata from 'jsonata';
import { mappingFunctions, MappingFunctionError, type FunctionOptions, type MappingFunction } from './functions';
import { parseArguments, type RepairResult } from './repair';
import { compileSchema, type ValidationIssue, type Validator } from './schema';
import { compileSyncEvaluator } from './sync-evaluator';

export type { RepairResult } from './repair';
export type { ValidationIssue } from './schema';
export { checkInvariants, KNOWN_INVARIANTS, type InvariantViolation } from './invariants';

export interface TransformContext {
  traceId: string;
  tenant: string;
  /** Reference date (YYYY-MM-DD) for age computations; defaults to today in UTC. */
  asOf?: string;
}

export interface ExchangeMapping {
  payloadType: string;
  targetType: string;
  description: string;
  inputSchema: object;
  targetSchema: object;
  /** JSON Schema of the tool-call arguments, when the input carries them as a JSON string. */
  argumentsSchema?: object;
  validateInput(payload: unknown): ValidationIssue[];
  /** The raw arguments text; call only on a payload that passed validateInput. */
  extractArguments?(payload: unknown): string;
  parseArguments?(text: string): RepairResult;
  validateArguments?(args: unknown): ValidationIssue[];
  /** Throws TransformError when the data cannot be mapped (e.g. 10.005 USD). */
  transform(payload: unknown, args: unknown, ctx: TransformContext): Promise<unknown>;
  validateOutput(normalized: unknown): ValidationIssue[];
}

export interface MappingSummary {
  payloadType: string;
  targetType: string;
  description: string;
}

export interface MappingExample {
  /** "<vertical>/<file name without .json>" */
  name: string;
  description: string;
  payloadType: string;
  targetType: string;
  payload: unknown;
  /** Context of the stated normalized payload (pseudonyms assume an empty pseudonymKey). */
  tenant: string;
  asOf?: string;
  /** The normalized payload the mapping must produce, when the example states it. */
  normalized?: unknown;
}

export interface MappingRegistry {
  get(payloadType: string, targetType: string): ExchangeMapping | undefined;
  list(): MappingSummary[];
  examples(): MappingExample[];
}

export interface RegistryOptions {
  /** Folder of vertical folders; defaults to ./verticals beside this file. */
  verticalsDir?: string;
  /** Secret key of the HMAC pseudonyms ($pseudonym); set one per deployment. */
  pseudonymKey?: string;
}

/** The data could not be mapped; the message is meant for the API caller (422). */
export class TransformError extends Error {}

/** A vertical folder is malformed; thrown by loadRegistry at start-up. */
export class RegistryDefinitionError extends Error {}

interface Manifest {
  name: string;
  description: string;
  types: string[];
  mappings: {
    payload_type: string;
    target_type: string;
    description: string;
    expression: string;
    arguments?: { pointer: string; schema: string; input?: boolean };
  }[];
}

interface ExampleFile {
  description: string;
  payload_type: string;
  target_type: string;
  context?: { tenant?: string; as_of?: string };
  payload: unknown;
  normalized?: unknown;
}

interface TypeDefinition {
  schema: object;
  validate: Validator;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const validateManifest = compileSchema(readJson(path.join(here, 'data/vertical.schema.json')) as object);
const validateExample = compileSchema(readJson(path.join(here, 'data/example.schema.json')) as object);

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new RegistryDefinitionError(`cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new RegistryDefinitionError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
}

function issueText(issues: ValidationIssue[]): string {
  return issues.map((i) => `${i.path} ${i.message}`).join('; ');
}

function checked<T>(file: string, value: unknown, validate: Validator): T {
  const issues = validate(value);
  if (issues.length > 0) {
    throw new RegistryDefinitionError(`${file}: ${issueText(issues)}`);
  }
  return value as T;
}

function compileSchemaFile(file: string): TypeDefinition {
  const schema = readJson(file);
  if (typeof schema !== 'object' || schema === null) throw new RegistryDefinitionError(`${file} is not a JSON Schema object`);
  try {
    return { schema, validate: compileSchema(schema) };
  } catch (err) {
    throw new RegistryDefinitionError(`${file} is not a valid JSON Schema: ${(err as Error).message}`);
  }
}

function resolvePointer(value: unknown, pointer: string): unknown {
  let node = value;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node;
}

function compileExpression(file: string, functions: MappingFunction[]) {
  let expression: jsonata.Expression;
  try {
    expression = jsonata(readFileSync(file, 'utf8'));
  } catch (err) {
    const e = err as { message: string; position?: number };
    throw new RegistryDefinitionError(`${file}: ${e.message}${e.position === undefined ? '' : ` (at character ${e.position})`}`);
  }
  for (const fn of functions) expression.registerFunction(fn.name, fn.implementation, fn.signature);
  return expression;
}

// Today's UTC date, worked out once a day rather than once a transform.
const today = { from: 0, until: 0, date: '' };

function todayUtc(): string {
  const now = Date.now();
  if (now < today.from || now >= today.until) {
    const d = new Date(now);
    today.from = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    today.until = today.from + 86_400_000;
    today.date = d.toISOString().slice(0, 10);
  }
  return today.date;
}

function buildMapping(
  dir: string,
  vertical: string,
  spec: Manifest['mappings'][number],
  types: Map<string, TypeDefinition>,
  options: FunctionOptions,
): ExchangeMapping {
  const label = `${spec.payload_type} → ${spec.target_type}`;
  const input = types.get(spec.payload_type);
  const target = types.get(spec.target_type);
  if (!input || !target) {
    const missing = input ? spec.target_type : spec.payload_type;
    throw new RegistryDefinitionError(`vertical ${vertical}: mapping ${label} uses type ${missing}, which no vertical defines`);
  }
  const functions = mappingFunctions(options);
  const expression = compileExpression(path.join(dir, spec.expression), functions);
  const fast = compileSyncEvaluator(expression.ast(), functions);
  /** The fast path's value; null when it hands the payload to JSONata (for its result or its error). */
  const evaluateFast = (payload: unknown, bindings: Record<string, unknown>): { value: unknown } | null => {
    if (!fast) return null;
    try {
      return { value: fast.evaluate(payload, bindings) };
    } catch {
      return null;
    }
  };

  const mapping: ExchangeMapping = {
    payloadType: spec.payload_type,
    targetType: spec.target_type,
    description: spec.description,
    inputSchema: input.schema,
    targetSchema: target.schema,
    validateInput: input.validate,
    validateOutput: target.validate,
    async transform(envelope, args, ctx) {
      // A mapping whose arguments are its input (a tool call carrying a whole resource) maps them, not the envelope.
      const payload = spec.arguments?.input ? args : envelope;
      const bindings = { args, tenant: ctx.tenant, trace_id: ctx.traceId, as_of: ctx.asOf ?? todayUtc() };
      const fastResult = evaluateFast(payload, bindings);
      let result: unknown;
      try {
        result = fastResult ? fastResult.value : await expression.evaluate(payload, bindings);
      } catch (err) {
        // JSONata's own errors carry a code (signature mismatch, $error(...)); ours are MappingFunctionError.
        if (err instanceof MappingFunctionError || (err as { code?: unknown }).code !== undefined) {
          throw new TransformError(`${label}: ${(err as Error).message}`);
        }
        throw err;
      }
      // A plain JSON value, detached from the input and from JSONata's sequence arrays.
      return result === undefined ? undefined : JSON.parse(JSON.stringify(result));
    },
  };

  if (spec.arguments) {
    const { pointer } = spec.arguments;
    const argumentsType = compileSchemaFile(path.join(dir, spec.arguments.schema));
    mapping.argumentsSchema = argumentsType.schema;
    mapping.validateArguments = argumentsType.validate;
    mapping.parseArguments = (text) => parseArguments(text, argumentsType.schema, argumentsType.validate);
    mapping.extractArguments = (payload) => {
      const text = resolvePointer(payload, pointer);
      if (typeof text !== 'string') throw new TypeError(`${label}: no arguments text at ${pointer}; validate the input first`);
      return text;
    };
  }
  return mapping;
}

function checkExample(file: string, example: ExampleFile, mapping: ExchangeMapping | undefined): void {
  const fail = (why: string): never => {
    throw new RegistryDefinitionError(`${file}: ${why}`);
  };
  if (!mapping) return fail(`no mapping ${example.payload_type} → ${example.target_type}`);
  const issues = mapping.validateInput(example.payload);
  if (issues.length > 0) fail(`payload is invalid: ${issueText(issues)}`);
  if (mapping.extractArguments && mapping.parseArguments && mapping.validateArguments) {
    const parsed = mapping.parseArguments(mapping.extractArguments(example.payload));
    if (!parsed.ok) return fail(parsed.error);
    const argIssues = mapping.validateArguments(parsed.value);
    if (argIssues.length > 0) fail(`arguments are invalid: ${issueText(argIssues)}`);
  }
  if (example.normalized !== undefined) {
    const outIssues = mapping.validateOutput(example.normalized);
    if (outIssues.length > 0) fail(`normalized is invalid: ${issueText(outIssues)}`);
  }
}

function subfolders(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => statSync(path.join(dir, name)).isDirectory())
    .sort();
}

/** Reads and compiles every vertical once; throws RegistryDefinitionError naming the bad file. */
export function loadRegistry(options: RegistryOptions = {}): MappingRegistry {
  const root = options.verticalsDir ?? path.join(here, 'verticals');
  const fnOptions: FunctionOptions = { pseudonymKey: options.pseudonymKey ?? '' };
  const verticals = subfolders(root).map((name) => {
    const dir = path.join(root, name);
    const file = path.join(dir, 'vertical.json');
    const manifest = checked<Manifest>(file, readJson(file), validateManifest);
    if (manifest.name !== name) throw new RegistryDefinitionError(`${file}: name "${manifest.name}" must equal its folder name "${name}"`);
    return { dir, manifest };
  });

  const types = new Map<string, TypeDefinition>();
  for (const { dir, manifest } of verticals) {
    for (const type of manifest.types) {
      if (types.has(type)) throw new RegistryDefinitionError(`type ${type} is defined by more than one vertical (again in ${dir})`);
      types.set(type, compileSchemaFile(path.join(dir, `${type}.schema.json`)));
    }
  }

  const mappings = new Map<string, ExchangeMapping>();
  const key = (payloadType: string, targetType: string) => `${payloadType}\u0000${targetType}`;
  for (const { dir, manifest } of verticals) {
    for (const spec of manifest.mappings) {
      const k = key(spec.payload_type, spec.target_type);
      if (mappings.has(k)) throw new RegistryDefinitionError(`mapping ${spec.payload_type} → ${spec.target_type} is defined twice (again in ${dir})`);
      mappings.set(k, buildMapping(dir, manifest.name, spec, types, fnOptions));
    }
  }

  const examples: MappingExample[] = [];
  for (const { dir, manifest } of verticals) {
    const exampleDir = path.join(dir, 'examples');
    const files = statSync(exampleDir, { throwIfNoEntry: false })?.isDirectory()
      ? readdirSync(exampleDir).filter((f) => f.endsWith('.json')).sort()
      : [];
    for (const f of files) {
      const file = path.join(exampleDir, f);
      const example = checked<ExampleFile>(file, readJson(file), validateExample);
      checkExample(file, example, mappings.get(key(example.payload_type, example.target_type)));
      examples.push({
        name: `${manifest.name}/${f.slice(0, -'.json'.length)}`,
        description: example.description,
        payloadType: example.payload_type,
        targetType: example.target_type,
        payload: example.payload,
        tenant: example.context?.tenant ?? 'example',
        asOf: example.context?.as_of,
        normalized: example.normalized,
      });
    }
  }

  const summaries = [...mappings.values()].map(({ payloadType, targetType, description }) => ({ payloadType, targetType, description }));
  return {
    get: (payloadType, targetType) => mappings.get(key(payloadType, targetType)),
    list: () => summaries.map((s) => ({ ...s })),
    examples: () => examples.map((e) => structuredClone(e)),
  };
}
