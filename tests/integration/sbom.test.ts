// The checked-in CycloneDX SBOM (npm run sbom) lists exactly the packages package-lock.json
// pins: the same name and version, no more, no fewer. Serial number and timestamp change on
// every run, so the components are compared, not the bytes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface LockPackage {
  name?: string;
  version?: string;
  link?: boolean;
}

const read = (file: string) => JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'));

/** name@version of every package the lockfile installs (not the root, not workspace links). */
function lockedPackages(): Set<string> {
  const lock = read('package-lock.json') as { packages: Record<string, LockPackage> };
  const out = new Set<string>();
  for (const [path, pkg] of Object.entries(lock.packages)) {
    if (path === '' || pkg.link) continue;
    out.add(`${pkg.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)}@${pkg.version}`);
  }
  return out;
}

describe('sbom.cdx.json', () => {
  const sbom = read('sbom.cdx.json') as { bomFormat: string; specVersion: string; metadata: { component: { name: string; version: string } }; components: { name: string; version: string; purl: string }[] };

  it('is a CycloneDX document for this package', () => {
    expect(sbom.bomFormat).toBe('CycloneDX');
    expect(Number(sbom.specVersion)).toBeGreaterThanOrEqual(1.5);
    const pkg = read('package.json') as { name: string; version: string };
    expect(sbom.metadata.component).toMatchObject({ name: pkg.name, version: pkg.version });
  });

  it('lists exactly the packages of package-lock.json (run `npm run sbom` after changing dependencies)', () => {
    const listed = new Set(sbom.components.map((c) => `${c.name}@${c.version}`));
    const locked = lockedPackages();
    expect({ missingFromSbom: [...locked].filter((p) => !listed.has(p)).sort(), notInLockfile: [...listed].filter((p) => !locked.has(p)).sort() }).toEqual({ missingFromSbom: [], notInLockfile: [] });
    for (const c of sbom.components) expect(c.purl).toMatch(/^pkg:npm\//);
  });
});
