// Prisma's real schema engine, compiled to WebAssembly, driven through a PostgreSQL driver
// adapter. The CLI cannot download its native engine on these machines; this can diff.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';

const require = createRequire(import.meta.url);

export type DiffTarget =
  | { tag: 'empty' }
  | { tag: 'schemaDatamodel'; files: { path: string; content: string }[] };

export interface SchemaEngine {
  diff(params: object): Promise<{ exitCode: number; stdout: string | null }>;
  introspect?(params: object): Promise<unknown>;
}

export async function openSchemaEngine(connectionString: string, datamodel: string): Promise<SchemaEngine> {
  const bg = await import('@prisma/schema-engine-wasm/schema_engine_bg');
  const wasmPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg').replace(/\.js$/, '.wasm');
  const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
    './schema_engine_bg.js': bg,
  });
  bg.__wbg_set_wasm(instance.exports);
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString }, { schema: 'public' }));
  return bg.SchemaEngine.new({ datamodels: [['schema.prisma', datamodel]] }, () => {}, adapter);
}

/** The SQL that takes the database from `from` to `to`, as Prisma would write it. */
export async function diffScript(engine: SchemaEngine, from: object, to: object): Promise<string> {
  const result = await engine.diff({
    from,
    to,
    script: true,
    exitCode: false,
    filters: { externalTables: [], externalEnums: [] },
  });
  return result.stdout ?? '';
}
