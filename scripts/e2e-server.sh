#!/usr/bin/env bash
# The server Playwright tests run against: production build, a fresh database (a new PGlite
# folder, or a new PostgreSQL database when DATABASE_URL is set), demo users with a known
# password, and its own Next build folder.
set -euo pipefail
export SIGNET_DATA_DIR="$(mktemp -d)"
export SIGNET_NEXT_DIST_DIR="${SIGNET_NEXT_DIST_DIR:-.next-e2e}"
export SIGNET_DEMO_PASSWORD="${SIGNET_DEMO_PASSWORD:-e2e-demo-password}"
export NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
if [ -n "${DATABASE_URL:-}" ]; then
  DATABASE_URL="$(npx tsx scripts/fresh-database.ts e2e)"
  export DATABASE_URL SIGNET_SEED_DEMO=true
fi
if [ ! -f "$SIGNET_NEXT_DIST_DIR/BUILD_ID" ] || [ -n "${SIGNET_E2E_REBUILD:-}" ]; then npx next build >/dev/null; fi
exec npx tsx server.ts
