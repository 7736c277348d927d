#!/usr/bin/env bash
# The one test command: lint, typecheck, unit + integration tests (PGlite, or PostgreSQL when
# DATABASE_URL is set), then Playwright in Chromium. Prints "N passed, N failed" at the end.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

failed=()
step() {
  local name="$1"; shift
  echo
  echo "══ $name ══"
  if "$@"; then echo "── $name: ok"; else echo "── $name: FAILED"; failed+=("$name"); fi
}

# The monitoring rule tests need promtool (Debian's prometheus package), installed here when missing.
if ! command -v promtool >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  step "install promtool" bash -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null"
fi
# Playwright drives the system's Chromium (never a downloaded browser): installed here when missing.
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    step "install chromium" bash -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null"
  else
    echo "Chromium is missing at ${CHROMIUM_PATH:-/usr/bin/chromium}. Install it, then run npm test again:"
    echo "  sudo apt-get install -y chromium"
    exit 1
  fi
fi
step "prisma generate" npm run --silent generate
step "lint" npx eslint .
step "typecheck" npx tsc --noEmit -p .
mkdir -p .reports && rm -f .reports/vitest.json .reports/playwright.json
db_label=PGlite
[ -n "${DATABASE_URL:-}" ] && db_label=PostgreSQL
step "unit + integration ($db_label)" \
  npx vitest run --reporter=default --reporter=json --outputFile.json=.reports/vitest.json
step "e2e (Playwright, Chromium)" env PLAYWRIGHT_JSON_OUTPUT_FILE=.reports/playwright.json \
  npx playwright test --reporter=list,json

echo
[ ${#failed[@]} -gt 0 ] && echo "failed steps: ${failed[*]}"
node scripts/test-summary.mjs .reports/vitest.json .reports/playwright.json "${#failed[@]}"
