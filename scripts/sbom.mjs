// npm run sbom: writes sbom.cdx.json, the CycloneDX SBOM of every package in package-lock.json
// (npm's own `npm sbom`, offline, from the lockfile alone). tests/integration/sbom.test.ts fails
// when it no longer lists exactly the lockfile's packages: run this after changing dependencies.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const sbom = JSON.parse(execFileSync(npm, ['sbom', '--sbom-format', 'cyclonedx', '--package-lock-only'], { maxBuffer: 64 << 20 }).toString());
// npm names the root component after the checkout's folder; name it after the package.
sbom.metadata.component.name = JSON.parse(readFileSync('package.json', 'utf8')).name;
writeFileSync('sbom.cdx.json', `${JSON.stringify(sbom, null, 2)}\n`);
console.log(`sbom.cdx.json: CycloneDX ${sbom.specVersion}, ${sbom.components.length} components`);
