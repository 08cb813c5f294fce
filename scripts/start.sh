#!/usr/bin/env bash
# `npm start`: the whole platform on this machine, as a deployment runs it. Brings up PostgreSQL,
# Redis and Kafka (installing what is missing), migrates, imports the bundled sample data when
# the database is empty, builds the services (dist/) and the console when their sources changed,
# and starts engine, gateway, workers and web with NODE_ENV=production.
# `npm run dev` (--dev): the same from source (tsx, `next dev`) with NODE_ENV=development.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
load_env
case "${1:-}" in
  "") dev=false ;;
  --dev) dev=true ;;
  *) die "unknown argument: $1 (scripts/start.sh [--dev])" ;;
esac
# After .env: the mode is the command's, not the configuration's (exported once installing is done).
if $dev; then node_env=development; else node_env=production; fi

export DATABASE_URL="${DATABASE_URL:-postgresql://tradeplane:tradeplane@127.0.0.1:55432/tradeplane}"
export ENGINE_PORT="${ENGINE_PORT:-7070}" GATEWAY_PORT="${GATEWAY_PORT:-4000}" WEB_PORT="${WEB_PORT:-3000}"
export WORKERS_METRICS_PORT="${WORKERS_METRICS_PORT:-9464}"
export ENGINE_URL="${ENGINE_URL:-http://127.0.0.1:$ENGINE_PORT}"
export GATEWAY_URL="${GATEWAY_URL:-http://127.0.0.1:$GATEWAY_PORT}"
export NEXT_PUBLIC_GATEWAY_WS_PORT="$GATEWAY_PORT"
export WEB_ORIGINS="${WEB_ORIGINS:-http://localhost:$WEB_PORT,http://127.0.0.1:$WEB_PORT}"
export ADMIN_EMAIL="${ADMIN_EMAIL:-admin@tradeplane.local}"
# First sign-in: ADMIN_PASSWORD from the environment, else one generated once for this checkout.
if [ -z "${ADMIN_PASSWORD:-}" ]; then
  [ -f "$APP_DIR/admin-password" ] || (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$APP_DIR/admin-password")
  ADMIN_PASSWORD="$(cat "$APP_DIR/admin-password")"
fi
export ADMIN_PASSWORD
# The gateway's key to the engine: ENGINE_API_KEY from the environment, else one generated once
# for this checkout (in production the gateway refuses the published development default).
if [ -z "${ENGINE_API_KEY:-}" ]; then
  [ -f "$APP_DIR/engine-api-key" ] || (umask 077; printf 'tp_%s' "$(head -c 30 /dev/urandom | base64 | tr -d '/+=')" > "$APP_DIR/engine-api-key")
  ENGINE_API_KEY="$(cat "$APP_DIR/engine-api-key")"
fi
export ENGINE_API_KEY

bash "$REPO_ROOT/infra/stack.sh" up || die "the local stack did not come up (see above)"
ensure_node_modules
ensure_prisma_client
export NODE_ENV="$node_env"
# The services run as built JavaScript (scripts/build.mjs); source maps point stack traces at the .ts.
# In development each process runs its source entry through tsx instead.
declare -A entry
if $dev; then
  node_js=(node --import tsx)
  entry=([engine]=packages/engine/src/main.ts [gateway]=apps/gateway/src/main.ts [workers]=apps/workers/src/main.ts
    [cli]=apps/cli/src/main.ts [migrate]=packages/db/src/migrate/cli.ts)
else
  build_out="$(cd "$REPO_ROOT" && node scripts/build.mjs --if-changed)" || die "the build failed (see above)"
  say "$build_out"
  node_js=(node --enable-source-maps)
  entry=([engine]=dist/engine/main.js [gateway]=dist/gateway/main.js [workers]=dist/workers/main.js
    [cli]=dist/cli/main.js [migrate]=dist/migrate/main.js)
fi
(cd "$REPO_ROOT" && "${node_js[@]}" "${entry[migrate]}") || die "migrations failed"

instruments="$(psql "$DATABASE_URL" -Atc 'SELECT count(*) FROM instruments' 2>/dev/null || echo 0)"
if [ "$instruments" = "0" ]; then
  say "empty database: importing the bundled sample data (data/sample)"
  (cd "$REPO_ROOT" && "${node_js[@]}" "${entry[cli]}" data import data/sample --quiet) || die "sample import failed"
fi

# The console is built once per change of its sources or of the build-time settings
# (`next dev` compiles on request instead).
export NEXT_DIST_DIR="${NEXT_DIST_DIR:-.next}"
web_stamp="$REPO_ROOT/apps/web/$NEXT_DIST_DIR/.tp-build-hash"
web_hash="$( (cd "$REPO_ROOT" && echo "$GATEWAY_URL $NEXT_PUBLIC_GATEWAY_WS_PORT" &&
  find apps/web -path 'apps/web/.next*' -prune -o -path apps/web/node_modules -prune -o -path apps/web/test-results -prune -o -type f -print |
  sort | xargs sha256sum) | sha256sum | cut -d' ' -f1)"
if ! $dev && { [ ! -f "$web_stamp" ] || [ "$(cat "$web_stamp")" != "$web_hash" ]; }; then
  say "building the console (next build)"
  (cd "$REPO_ROOT/apps/web" && npx --no-install next build >"$LOG_DIR/web-build.log" 2>&1) || { tail -n 40 "$LOG_DIR/web-build.log"; die "console build failed"; }
  echo "$web_hash" > "$web_stamp"
fi

require_free_port engine "$ENGINE_PORT"; require_free_port gateway "$GATEWAY_PORT"
require_free_port workers "$WORKERS_METRICS_PORT"; require_free_port web "$WEB_PORT"
start_service engine "${node_js[@]}" "${entry[engine]}"
wait_http engine "http://127.0.0.1:$ENGINE_PORT/metrics" 60
start_service gateway "${node_js[@]}" "${entry[gateway]}"
wait_http gateway "http://127.0.0.1:$GATEWAY_PORT/metrics" 60
start_service workers "${node_js[@]}" "${entry[workers]}"
wait_http workers "http://127.0.0.1:$WORKERS_METRICS_PORT/healthz" 60
# A first regime model for the benchmark, so the Regimes page has something real to show.
if [ "$(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM regime_models WHERE symbol = 'SPY'" 2>/dev/null || echo 1)" = "0" ] &&
  [ "$(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM instruments WHERE symbol = 'SPY'" 2>/dev/null || echo 0)" = "1" ]; then
  say "fitting a first regime model for SPY on the workers"
  (cd "$REPO_ROOT" && "${node_js[@]}" "${entry[cli]}" regime train --symbol SPY >/dev/null) || say "could not enqueue the SPY regime fit (see the workers log)"
fi
if $dev; then next_cmd=dev; else next_cmd=start; fi
start_service web node "$REPO_ROOT/node_modules/next/dist/bin/next" "$next_cmd" apps/web -p "$WEB_PORT" -H 127.0.0.1
wait_http web "http://127.0.0.1:$WEB_PORT/login" 120

cat <<MSG

  Tradeplane is running ($NODE_ENV).
    console   http://localhost:$WEB_PORT        (sign in: $ADMIN_EMAIL, password in $APP_DIR/admin-password or ADMIN_PASSWORD)
    GraphQL   http://127.0.0.1:$GATEWAY_PORT/graphql
    engine    http://127.0.0.1:$ENGINE_PORT   (GET /api/v1/features/SPY/1d, API key: npx tradeplane apikey create --name me)
    metrics   engine :$ENGINE_PORT/metrics, gateway :$GATEWAY_PORT/metrics, workers :$WORKERS_METRICS_PORT/metrics
    logs      $LOG_DIR
  Stop everything with: npm stop

MSG
