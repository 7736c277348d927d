#!/usr/bin/env bash
# The server Playwright tests run against: production build, a fresh database (a new PGlite
# folder, or a new PostgreSQL database when DATABASE_URL is set), demo users with a known
# password, and its own Next build folder. Playwright stops it with SIGTERM; a PostgreSQL
# database made for the run is dropped then.
set -euo pipefail
# (The SIGNET_* names of these variables are deprecated; they still work.)
export SP_DATA_DIR="$(mktemp -d)"
export SP_NEXT_DIST_DIR="${SP_NEXT_DIST_DIR:-${SIGNET_NEXT_DIST_DIR:-.next-e2e}}"
export SP_DEMO_PASSWORD="${SP_DEMO_PASSWORD:-${SIGNET_DEMO_PASSWORD:-e2e-demo-password}}"
unset SIGNET_DATA_DIR SIGNET_NEXT_DIST_DIR SIGNET_DEMO_PASSWORD
export NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
server=""
run_database=""
if [ -n "${DATABASE_URL:-}" ]; then
  server_url="$DATABASE_URL"
  run_database="$(npx tsx scripts/fresh-database.ts e2e)"
  export DATABASE_URL="$run_database" SP_SEED_DEMO=true
fi
cleanup() {
  trap - EXIT TERM INT
  if [ -n "$server" ]; then kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ -n "$run_database" ]; then DATABASE_URL="$server_url" npx tsx scripts/drop-database.ts "$run_database" || true; fi
  rm -rf "$SP_DATA_DIR"
}
trap cleanup EXIT TERM INT
if [ ! -f "$SP_NEXT_DIST_DIR/BUILD_ID" ] || [ -n "${SP_E2E_REBUILD:-${SIGNET_E2E_REBUILD:-}}" ]; then npx next build >/dev/null; fi
npx tsx server.ts &
server=$!
wait "$server"
