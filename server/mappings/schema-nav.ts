// Walking a JSON Schema beside a value: local `$ref`s followed, `properties` and `items` looked up.
export type Schema = Record<string, unknown>;

export function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows local `#/...` references; other references are left unresolved. */
export function resolve(root: Schema, schema: unknown): Schema | undefined {
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

/** The schema of a property (string key) or of an array item (number). */
export function childSchema(root: Schema, schema: Schema | undefined, key: string | number): Schema | undefined {
  const child = typeof key === 'number' ? schema?.items : (schema?.properties as Schema | undefined)?.[key];
  return resolve(root, child);
}

export function schemaTypes(schema: Schema | undefined): string[] {
  const type = schema?.type;
  return Array.isArray(type) ? (type as string[]) : typeof type === 'string' ? [type] : [];
}

/** RFC 6901 JSON Pointer of a path. */
export function jsonPointer(path: (string | number)[]): string {
  return path.map((s) => `/${String(s).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}
