// Checks real API responses against the served OpenAPI document: the status must be one the
// operation declares, the content type one that response declares, the declared required
// headers present, and the body valid against its schema (Ajv, JSON Schema 2020-12, the dialect
// of OpenAPI 3.1). NDJSON bodies are checked line by line against the declared schema; binary
// bodies by their content type only. The routes of a Hono app are listed in the document's
// spelling so a test can compare the two.
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

type Json = Record<string, unknown>;
interface MediaType {
  schema?: Json;
}
interface ResponseObject {
  content?: Record<string, MediaType>;
  headers?: Record<string, { required?: boolean }>;
}
interface Operation {
  responses: Record<string, ResponseObject>;
}
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components?: Json;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** `METHOD /path/{param}` for every operation in the document. */
export function documentedOperations(doc: OpenApiDocument): string[] {
  return Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).filter((m) => METHODS.includes(m)).map((m) => `${m.toUpperCase()} ${path}`));
}

/** `METHOD /path/{param}` for every route a Hono app serves (middleware, registered for ALL methods, left out). */
export function servedOperations(routes: { method: string; path: string }[]): string[] {
  const spelled = routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path.replace(/:(\w+)(\{[^}]*\})?/g, '{$1}')}`);
  return [...new Set(spelled)];
}

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
const essence = (contentType: string) => contentType.split(';')[0]!.trim().toLowerCase();

export interface ConformanceChecker {
  /** Throws naming what does not conform; returns the parsed body (JSON) or text. */
  check(method: string, path: string, res: Response): Promise<unknown>;
  /** `METHOD path status` of every response checked so far. */
  readonly checked: Set<string>;
}

export function conformanceChecker(doc: OpenApiDocument): ConformanceChecker {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('binary', true);
  ajv.addSchema(doc as unknown as Json, 'openapi.json');
  const checked = new Set<string>();

  const validate = (schemaPointer: string, value: unknown, what: string) => {
    const fn = ajv.getSchema(`openapi.json#${schemaPointer}`) ?? ajv.compile({ $ref: `openapi.json#${schemaPointer}` });
    if (!fn(value)) throw new Error(`${what} does not match the document: ${ajv.errorsText(fn.errors, { dataVar: 'body' })}`);
  };

  /** The body, parsed as its content type says and validated against the schema declared for it. */
  function bodyOf(what: string, response: ResponseObject, contentType: string, text: string, schemaAt: (declaredType: string) => string): unknown {
    if (!response.content) {
      if (text !== '') throw new Error(`${what}: the document declares no body, got ${text.slice(0, 80)}`);
      return text;
    }
    const type = essence(contentType);
    const declared = Object.keys(response.content).find((t) => essence(t) === type);
    if (!declared) throw new Error(`${what}: content type ${type || '(none)'} is not one of ${Object.keys(response.content).join(', ')}`);
    if (type === 'application/octet-stream') return text;
    if (type === 'application/x-ndjson') {
      const lines = text.split('\n').filter((l) => l !== '');
      lines.forEach((line, i) => validate(schemaAt(declared), JSON.parse(line), `${what} line ${i + 1}`));
      return lines;
    }
    const body = /[/+]json$/.test(type) ? JSON.parse(text) : text;
    validate(schemaAt(declared), body, what);
    return body;
  }

  return {
    checked,
    async check(method, path, res) {
      const what = `${method} ${path} → ${res.status}`;
      const operation = doc.paths[path]?.[method.toLowerCase()];
      if (!operation) throw new Error(`${method} ${path} is not in the document`);
      const response = operation.responses[String(res.status)];
      if (!response) throw new Error(`${what}: the document declares only ${Object.keys(operation.responses).join(', ')}`);
      for (const [name, header] of Object.entries(response.headers ?? {})) {
        if (header.required && !res.headers.has(name)) throw new Error(`${what}: the required header ${name} is missing`);
      }
      const body = bodyOf(what, response, res.headers.get('content-type') ?? '', await res.text(), (type) =>
        pointer('', 'paths', path, method.toLowerCase(), 'responses', String(res.status), 'content', type, 'schema'),
      );
      checked.add(`${method} ${path} ${res.status}`);
      return body;
    },
  };
}
