// hashing-worker.ts run from source (tsx, vitest): a worker thread loads it through tsx. The
// compiled CLI (.bin-build/) starts its compiled worker instead.
import { tsImport } from 'tsx/esm/api';

await tsImport('./hashing-worker.ts', import.meta.url);
