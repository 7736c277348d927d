#!/usr/bin/env bash
# npm run test:reliability: the heavier suite under tests/reliability/ (fuzzing, crashes,
# scale-out, backup/restore, isolation, security) on the embedded PGlite, and again on
# PostgreSQL when DATABASE_URL is set (scale-out, pg_dump and the PostgreSQL restart, on a cluster
# of its own, run only there); then the report.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
rm -f .reliability/figures.jsonl
status=0
echo "══ reliability suite on PGlite ══"
env -u DATABASE_URL npx vitest run -c vitest.reliability.config.ts || status=1
if [ -n "${DATABASE_URL:-}" ]; then
  echo "══ reliability suite on PostgreSQL ══"
  npx vitest run -c vitest.reliability.config.ts || status=1
fi
node scripts/reliability-report.mjs
exit $status
