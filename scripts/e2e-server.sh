#!/usr/bin/env bash
# The server Playwright tests run against: production build, a fresh database (a new PGlite
# folder, or a new PostgreSQL database when DATABASE_URL is set), demo users with a known
# password, and its own Next build folder. Playwright stops it with SIGTERM; a PostgreSQL
# database made for the run is dropped then.
set -euo pipefail
export SIGNET_DATA_DIR="$(mktemp -d)"
export SIGNET_NEXT_DIST_DIR="${SIGNET_NEXT_DIST_DIR:-.next-e2e}"
export SIGNET_DEMO_PASSWORD="${SIGNET_DEMO_PASSWORD:-e2e-demo-password}"
export NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
server=""
run_database=""
if [ -n "${DATABASE_URL:-}" ]; then
  server_url="$DATABASE_URL"
  run_database="$(npx tsx scripts/fresh-database.ts e2e)"
  export DATABASE_URL="$run_database" SIGNET_SEED_DEMO=true
fi
cleanup() {
  trap - EXIT TERM INT
  if [ -n "$server" ]; then kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ -n "$run_database" ]; then DATABASE_URL="$server_url" npx tsx scripts/drop-database.ts "$run_database" || true; fi
  rm -rf "$SIGNET_DATA_DIR"
}
trap cleanup EXIT TERM INT
if [ ! -f "$SIGNET_NEXT_DIST_DIR/BUILD_ID" ] || [ -n "${SIGNET_E2E_REBUILD:-}" ]; then npx next build >/dev/null; fi
npx tsx server.ts &
server=$!
wait "$server"
