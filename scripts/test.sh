#!/usr/bin/env bash
# `npm test`: everything CI checks, on the real stack. Installs what is missing (Debian
# packages, Kafka jars, Chromium, npm packages), then: format, lint, typecheck, unit tests,
# integration tests against PostgreSQL/Redis/Kafka, and the console's end-to-end tests in
# Chromium against a platform started on separate ports with the test database.
# Ends with one line: `N passed, N failed`.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

passed=0; failed=0
REPORT_DIR="$TP_STACK_DIR/test-reports"; rm -rf "$REPORT_DIR"; mkdir -p "$REPORT_DIR"
check() { # a named check that counts as one test
  local name="$1"; shift
  say "check: $name"
  if "$@" >"$REPORT_DIR/$name.log" 2>&1; then passed=$((passed + 1)); say "  ok"; else
    failed=$((failed + 1)); tail -n 40 "$REPORT_DIR/$name.log"; say "  FAILED: $name (log: $REPORT_DIR/$name.log)"; fi
}
finish() { echo; echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

bash infra/stack.sh up || { failed=$((failed + 1)); say "the local stack did not come up"; finish; }
ensure_node_modules
ensure_prisma_client
bash scripts/ensure-chromium.sh || { failed=$((failed + 1)); say "Chromium could not be installed"; }

check format npx --no-install prettier --check .
check lint npx --no-install eslint .
check typecheck npx --no-install turbo run typecheck --continue --output-logs=errors-only
check typecheck-test npx --no-install tsc -p test/tsconfig.json
check dead-code npx --no-install knip --no-progress
check infra-pg-location bash infra/stack.test.sh

# Vitest: unit then integration (integration files run one at a time; some stop and start stack parts).
count_vitest() { # adds a vitest JSON report's counts
  local f="$1"
  [ -f "$f" ] || { failed=$((failed + 1)); return; }
  passed=$((passed + $(node -e "const r=require('$f');console.log(r.numPassedTests)")))
  failed=$((failed + $(node -e "const r=require('$f');console.log(r.numFailedTests + (r.numTotalTestSuites > 0 && r.success === false && r.numFailedTests === 0 ? 1 : 0))")))
}
for project in unit integration; do
  say "vitest: $project"
  npx --no-install vitest run --project "$project" --reporter=default --reporter=json \
    --outputFile.json="$REPORT_DIR/vitest-$project.json"
  count_vitest "$REPORT_DIR/vitest-$project.json"
done

# End-to-end: the platform on test ports against the test database, then Playwright in Debian's Chromium.
say "end-to-end: starting the platform on test ports with a fresh database (first-start path)"
E2E_DB=postgresql://tradeplane:tradeplane@127.0.0.1:55432/tradeplane_e2e
psql -q postgresql://tradeplane:tradeplane@127.0.0.1:55432/postgres \
  -c 'DROP DATABASE IF EXISTS tradeplane_e2e WITH (FORCE)' -c 'CREATE DATABASE tradeplane_e2e' >/dev/null
export E2E_WEB_PORT=13000
e2e_env=(DATABASE_URL=$E2E_DB ENGINE_PORT=17070 GATEWAY_PORT=14000
  WEB_PORT=$E2E_WEB_PORT WORKERS_METRICS_PORT=19464 ADMIN_EMAIL=admin@tradeplane.local ADMIN_PASSWORD=e2e-admin-password
  FORENSICS_GROUP_ID=tradeplane-forensics-e2e OUTCOME_GROUP_ID=tradeplane-outcomes-e2e
  TP_APP_DIR="$TP_STACK_DIR/app-e2e" NEXT_DIST_DIR=.next-e2e LOG_LEVEL=warn)
if env "${e2e_env[@]}" bash scripts/start.sh >"$REPORT_DIR/e2e-start.log" 2>&1; then
  (cd apps/web && env E2E_BASE_URL="http://localhost:$E2E_WEB_PORT" E2E_ADMIN_PASSWORD=e2e-admin-password E2E_DATABASE_URL=$E2E_DB \
    E2E_JSON_REPORT="$REPORT_DIR/e2e.json" E2E_OUTPUT_DIR="$REPORT_DIR/e2e" npx --no-install playwright test --config e2e/playwright.config.ts) 2>&1 | tail -n 60
  node -e "const j=require('$REPORT_DIR/e2e.json');console.log(j.stats.expected, j.stats.unexpected + j.stats.flaky)" \
    >"$REPORT_DIR/e2e.counts" 2>/dev/null || echo "0 1" >"$REPORT_DIR/e2e.counts"
  read -r e2e_passed e2e_failed <"$REPORT_DIR/e2e.counts"
  passed=$((passed + e2e_passed)); failed=$((failed + e2e_failed))
  say "end-to-end: $e2e_passed passed, $e2e_failed failed"
else
  tail -n 40 "$REPORT_DIR/e2e-start.log"; failed=$((failed + 1)); say "end-to-end: the platform did not start"
fi
env TP_APP_DIR="$TP_STACK_DIR/app-e2e" bash scripts/stop.sh --keep-stack >/dev/null 2>&1 || true
finish
