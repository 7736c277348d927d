// JSON Schema (draft 2020-12) validation: schemas compile once, at start-up, into validators
// that report every problem as { path, message } with the path as a JSON Pointer ("/" = root).
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export interface ValidationIssue {
  path: string;
  message: string;
}

export type Validator = (value: unknown) => ValidationIssue[];

// verbose: an error carries its schema, so a refused field can be told what is accepted.
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
addFormats(ajv);

const pointerToken = (key: string) => `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;

function issue(e: ErrorObject): ValidationIssue {
  const at = (suffix: string) => `${e.instancePath}${suffix}` || '/';
  switch (e.keyword) {
    case 'required':
      return { path: at(pointerToken((e.params as { missingProperty: string }).missingProperty)), message: 'is required' };
    case 'false schema':
      return { path: at(''), message: 'is not allowed here' };
    case 'additionalProperties': {
      const accepted = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return {
        path: at(pointerToken((e.params as { additionalProperty: string }).additionalProperty)),
        message: accepted.length ? `is not allowed here (accepted: ${accepted.join(', ')})` : 'is not allowed here',
      };
    }
    case 'enum':
      return {
        path: at(''),
        message: `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`,
      };
    default:
      return { path: at(''), message: e.message ?? e.keyword };
  }
}

/** Compiles `schema` once; throws Ajv's own message when the schema itself is invalid. */
export function compileSchema(schema: object): Validator {
  const validate = ajv.compile(schema);
  // An `if` failure only says "must match then"; the errors of `then` itself are listed too.
  return (value) => (validate(value) ? [] : (validate.errors ?? []).filter((e) => e.keyword !== 'if').map(issue));
}
