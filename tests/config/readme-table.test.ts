// The README's configuration table against server/config.ts's VARIABLES: every variable
// documented once, nothing documented that the schema does not read, and the same defaults.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VARIABLES } from '@/server/config';

/** Read by the npm start script before Node runs, so it cannot be in the schema. */
const OUTSIDE_THE_SCHEMA = new Set(['SIGNET_HEAP_MB']);

interface Row {
  name: string;
  alsoRead: string[];
  deprecated: string[];
  default: string;
}

function configurationTable(): Row[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.split(/^## Configuration\n/m)[1]?.split(/^## /m)[0];
  if (!section) throw new Error('README.md has no "## Configuration" section');
  const lines = section.split('\n').filter((line) => line.startsWith('|'));
  expect(lines.slice(0, 2)).toEqual(['| variable | default | meaning |', '|---|---|---|']);
  return lines.slice(2).map((line) => {
    const [names, defaultCell] = line.split(' | ').map((cell) => cell.replace(/^\| /, ''));
    const [name, ...others] = [...names!.matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1]!);
    const deprecated = [...names!.matchAll(/formerly `([A-Z0-9_]+)`/g)].map((m) => m[1]!);
    return { name: name!, alsoRead: others.filter((n) => !deprecated.includes(n)), deprecated, default: defaultCell! };
  });
}

describe("the README's configuration table", () => {
  const rows = configurationTable();
  const variables = Object.values(VARIABLES);

  it('documents every variable once, and no variable the schema does not read', () => {
    const documented = rows.map((r) => r.name).filter((n) => !OUTSIDE_THE_SCHEMA.has(n));
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual(variables.map((v) => v.name).sort());
  });

  it.each(Object.values(VARIABLES).map((v) => [v.name, v] as const))('%s: other names and default agree with the schema', (name, variable) => {
    const row = rows.find((r) => r.name === name);
    if (!row) throw new Error(`${name} is not in the README's configuration table`);
    expect(row.alsoRead).toEqual('alsoRead' in variable ? variable.alsoRead : []);
    expect(row.deprecated).toEqual('deprecated' in variable ? variable.deprecated : []);
    const expected = 'default' in variable ? `\`${variable.default}\`` : 'unsetNote' in variable ? variable.unsetNote : '–';
    expect(row.default).toBe(expected);
  });
});
