#!/usr/bin/env bash
# Default connection settings for the local Tradeplane stack (infra/stack.sh).
#   source infra/env.sh        # exports the variables into the current shell
#   infra/env.sh               # prints `export ...` lines (eval "$(infra/env.sh)")
# Port overrides honoured (same as stack.sh): PGPORT_TP, REDIS_QUEUE_PORT, REDIS_CACHE_PORT, KAFKA_PORT.
# Variables already set in the environment are kept.
_tp_pg_port="${PGPORT_TP:-55432}"
_tp_vars=(
  "DATABASE_URL=${DATABASE_URL:-postgresql://tradeplane:tradeplane@127.0.0.1:${_tp_pg_port}/tradeplane}"
  "TEST_DATABASE_URL=${TEST_DATABASE_URL:-postgresql://tradeplane:tradeplane@127.0.0.1:${_tp_pg_port}/tradeplane_test}"
  "REDIS_QUEUE_URL=${REDIS_QUEUE_URL:-redis://127.0.0.1:${REDIS_QUEUE_PORT:-56379}}"
  "REDIS_CACHE_URL=${REDIS_CACHE_URL:-redis://127.0.0.1:${REDIS_CACHE_PORT:-56380}}"
  "KAFKA_BROKERS=${KAFKA_BROKERS:-127.0.0.1:${KAFKA_PORT:-59092}}"
)
if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
  for _tp_v in "${_tp_vars[@]}"; do export "${_tp_v?}"; done
  unset _tp_v
else
  for _tp_v in "${_tp_vars[@]}"; do printf 'export %s=%q\n' "${_tp_v%%=*}" "${_tp_v#*=}"; done
fi
unset _tp_pg_port _tp_vars
