#!/usr/bin/env bash
# Tradeplane local infrastructure: PostgreSQL 15, Redis 7 (queue + cache), Kafka 3.9 (KRaft).
#
#   infra/stack.sh up     [postgres|redis|redis-queue|redis-cache|kafka]
#   infra/stack.sh down   [postgres|redis|redis-queue|redis-cache|kafka]
#   infra/stack.sh restart [component]
#   infra/stack.sh status [component]   # one line per component; exit 1 if any is unhealthy
#   infra/stack.sh install              # apt packages + Kafka jars only
#
# Everything binds to 127.0.0.1. State/data/logs live in $TP_STACK_DIR (default <repo>/.stack).
# See infra/README.md.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
STACK_DIR="$(realpath -m "${TP_STACK_DIR:-$REPO_ROOT/.stack}")"
LOG_DIR="$STACK_DIR/logs"

PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
PG_PORT="${PGPORT_TP:-55432}"
# Where the cluster goes when the OS user postgres cannot reach $STACK_DIR (a checkout in /root).
PG_SHARED_ROOT="${TP_PG_SHARED_ROOT:-/var/lib/tradeplane}"
# PG_DIR, PG_DATA, PG_SOCK, PG_LOG: set by pg_locate (below, once the helpers exist).
PG_START_TIMEOUT="${PG_START_TIMEOUT:-60}"

REDIS_QUEUE_PORT="${REDIS_QUEUE_PORT:-56379}"
REDIS_CACHE_PORT="${REDIS_CACHE_PORT:-56380}"
REDIS_START_TIMEOUT="${REDIS_START_TIMEOUT:-15}"

KAFKA_PORT="${KAFKA_PORT:-59092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-59093}"
KAFKA_DIR="$STACK_DIR/kafka"
KAFKA_LIBS="$KAFKA_DIR/libs"
KAFKA_CONF_DIR="$KAFKA_DIR/config"
KAFKA_DATA="$KAFKA_DIR/data"
KAFKA_PIDFILE="$KAFKA_DIR/kafka.pid"
KAFKA_HELPER_DIR="$KAFKA_DIR/helper"
KAFKA_LOG="$LOG_DIR/kafka.log"
KAFKA_STDOUT_LOG="$LOG_DIR/kafka-stdout.log"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-20}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
KAFKA_TOPICS="${KAFKA_TOPICS:-decisions,decisions.dlq,decisions.outcomes.dlq,market-data,market-data.dlq,model-events,risk-events}"
KAFKA_POM="$SCRIPT_DIR/kafka/pom.xml"
KAFKA_HELPER_SRC="$SCRIPT_DIR/kafka/TpKafkaAdmin.java"
MAVEN_REPO="${MAVEN_REPO:-$HOME/.m2/repository}"

DB_USER=tradeplane
DB_PASS=tradeplane
DB_NAMES=(tradeplane tradeplane_test)

# ----------------------------------------------------------------------------- helpers
log()  { printf '[stack] %s\n' "$*" >&2; }
# die COMPONENT MESSAGE [LOGFILE]
die() {
  local comp="$1" msg="$2" logf="${3:-}"
  printf '[stack] ERROR: %s: %s\n' "$comp" "$msg" >&2
  if [[ -n "$logf" ]]; then
    printf '[stack]   log: %s\n' "$logf" >&2
    if [[ -s "$logf" ]]; then
      printf '[stack]   --- last 15 lines of %s ---\n' "$logf" >&2
      tail -n 15 "$logf" | sed 's/^/[stack]   | /' >&2 || true
    fi
  fi
  exit 1
}

is_root() { [[ "$(id -u)" -eq 0 ]]; }

# port_open PORT -> 0 if something accepts TCP connections on 127.0.0.1:PORT
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# wait_port_closed PORT SECONDS
wait_port_closed() {
  local port="$1" secs="$2" i
  for ((i = 0; i < secs * 10; i++)); do port_open "$port" || return 0; sleep 0.1; done
  return 1
}

port_owner() { command -v ss >/dev/null 2>&1 && ss -ltnpH "sport = :$1" 2>/dev/null | head -n 3 || true; }

# alive = exists and is not a zombie (daemons get reparented to PID 1, which may reap lazily)
pid_alive() {
  [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null || return 1
  local st
  st="$(awk '/^State:/ {print $2; exit}' "/proc/$1/status" 2>/dev/null || true)"
  [[ "$st" != Z ]]
}
read_pid() { [[ -f "$1" ]] && tr -dc '0-9' <"$1" || true; }

# run a command as the OS user that owns the PostgreSQL cluster (postgres refuses to run as root)
as_pg() {
  if is_root; then (cd / && runuser -u postgres -- "$@"); else (cd / && "$@"); fi
}

ensure_base_dirs() {
  mkdir -p "$STACK_DIR" "$LOG_DIR"
  chmod 755 "$STACK_DIR" "$LOG_DIR"
}

lock_stack() {
  ensure_base_dirs
  # fd 9 holds the lock; daemons are started with 9>&- so they never inherit it
  exec 9>"$STACK_DIR/.lock"
  flock -w 180 9 || die stack "timed out (180s) waiting for another infra/stack.sh run holding $STACK_DIR/.lock"
}

# ----------------------------------------------------------------------------- install
APT_UPDATED=0
apt_install() {
  local pkgs=("$@") sudo=() created_policy=0
  if ! is_root; then
    command -v sudo >/dev/null 2>&1 || die install "need root (or sudo) to apt-get install: ${pkgs[*]}"
    sudo=(sudo)
  fi
  command -v apt-get >/dev/null 2>&1 || die install "apt-get not found; please install manually: ${pkgs[*]}"
  ensure_base_dirs
  local ilog="$LOG_DIR/install.log"
  log "installing (apt): ${pkgs[*]}   (log: $ilog)"
  # Keep Debian's maintainer scripts from auto-starting system services (postgres on 5432,
  # redis on 6379): we run our own instances. Temporary policy-rc.d, removed right after.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee /usr/sbin/policy-rc.d >/dev/null
    "${sudo[@]}" chmod 755 /usr/sbin/policy-rc.d
    created_policy=1
  fi
  local rc=0
  {
    if [[ "$APT_UPDATED" -eq 0 ]]; then
      "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update && APT_UPDATED=1
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${pkgs[@]}"
  } >>"$ilog" 2>&1 || rc=$?
  if [[ "$created_policy" -eq 1 ]]; then "${sudo[@]}" rm -f /usr/sbin/policy-rc.d; fi
  [[ "$rc" -eq 0 ]] || die install "apt-get install ${pkgs[*]} failed (rc=$rc)" "$ilog"
}

ensure_packages() {
  local want=()
  [[ -x "$PGBIN/initdb" && -x "$PGBIN/pg_ctl" && -x "$PGBIN/postgres" ]] || want+=(postgresql-15)
  [[ -x "$PGBIN/psql" && -x "$PGBIN/pg_isready" ]] || want+=(postgresql-client-15)
  command -v redis-server >/dev/null 2>&1 || want+=(redis-server)
  command -v redis-cli >/dev/null 2>&1 || want+=(redis-tools)
  { command -v java >/dev/null 2>&1 && command -v javac >/dev/null 2>&1; } || want+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null 2>&1 || want+=(maven)
  command -v runuser >/dev/null 2>&1 || want+=(util-linux)
  if ((${#want[@]})); then apt_install "${want[@]}"; fi
  if is_root && ! id postgres >/dev/null 2>&1; then
    die install "OS user 'postgres' missing (should come with postgresql-common)"
  fi
}

kafka_version() { sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_POM" | head -n1; }

ensure_kafka_libs() {
  local ver want have ilog="$LOG_DIR/kafka-install.log"
  ver="$(kafka_version)"
  want="kafka=$ver pom=$(sha256sum "$KAFKA_POM" | cut -c1-16)"
  have="$(cat "$KAFKA_LIBS/.tp-version" 2>/dev/null || true)"
  if [[ "$have" == "$want" ]] && compgen -G "$KAFKA_LIBS/kafka_2.13-*.jar" >/dev/null; then
    return 0
  fi
  mkdir -p "$KAFKA_DIR"
  local tmp="$KAFKA_DIR/libs.tmp.$$"
  rm -rf "$tmp"
  log "kafka: resolving Kafka $ver jars from Maven Central (repo: $MAVEN_REPO, log: $ilog)"
  if ! mvn -B -q -Dstyle.color=never -f "$KAFKA_POM" -Dmaven.repo.local="$MAVEN_REPO" \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" >>"$ilog" 2>&1; then
    rm -rf "$tmp"
    die kafka "maven could not resolve kafka $ver jars" "$ilog"
  fi
  compgen -G "$tmp/kafka_2.13-*.jar" >/dev/null || die kafka "kafka_2.13 jar missing after maven copy" "$ilog"
  echo "$want" >"$tmp/.tp-version"
  rm -rf "$KAFKA_LIBS" "$KAFKA_HELPER_DIR"
  mv "$tmp" "$KAFKA_LIBS"
}

ensure_kafka_helper() {
  local want
  want="$(sha256sum "$KAFKA_HELPER_SRC" | cut -c1-16) $(cat "$KAFKA_LIBS/.tp-version")"
  [[ "$(cat "$KAFKA_HELPER_DIR/.tp-version" 2>/dev/null || true)" == "$want" ]] && return 0
  local ilog="$LOG_DIR/kafka-install.log"
  rm -rf "$KAFKA_HELPER_DIR"
  mkdir -p "$KAFKA_HELPER_DIR"
  javac -nowarn -d "$KAFKA_HELPER_DIR" -cp "$KAFKA_LIBS/*" "$KAFKA_HELPER_SRC" >>"$ilog" 2>&1 \
    || die kafka "could not compile $KAFKA_HELPER_SRC" "$ilog"
  echo "$want" >"$KAFKA_HELPER_DIR/.tp-version"
}

cmd_install() {
  ensure_base_dirs
  ensure_packages
  ensure_kafka_libs
  ensure_kafka_helper
  log "install: ok (postgres $("$PGBIN/postgres" --version | awk '{print $3}'), redis $(redis-server --version | sed -n 's/.*v=\([0-9.]*\).*/\1/p'), kafka $(kafka_version))"
}

# ----------------------------------------------------------------------------- postgres
# The cluster's directory (data, unix socket) for STACK_DIR. Running as root, PostgreSQL runs as
# the OS user postgres, which must traverse every parent of its data; a checkout in a private
# directory (/root is mode 700) gets a directory under $PG_SHARED_ROOT instead, keyed by the
# stack's path so two checkouts never share a cluster. A choice once made is kept ($STACK_DIR/pg.location).
pg_choose_dir() {
  local stack="$1" nearest="$1"
  if [[ -s "$stack/pg.location" ]]; then cat "$stack/pg.location"; return; fi
  # An existing cluster stays where it is (unreachable, pg_prepare_dirs says so).
  if [[ -e "$stack/pg/data" ]]; then echo "$stack/pg"; return; fi
  while [[ ! -e "$nearest" ]]; do nearest="$(dirname "$nearest")"; done
  # Without the postgres user yet (packages not installed) nothing is decided: pg_up asks again.
  if ! is_root || ! id postgres >/dev/null 2>&1 || as_pg test -x "$nearest"; then
    echo "$stack/pg"
  else
    echo "$PG_SHARED_ROOT/$(printf '%s' "$stack" | sha256sum | cut -c1-16)/pg"
  fi
}

pg_locate() {
  PG_DIR="$(pg_choose_dir "$STACK_DIR")"
  PG_DATA="$PG_DIR/data"
  PG_SOCK="$PG_DIR/run"
  # postgres writes its own log, so it lives where postgres can reach it.
  if [[ "$PG_DIR" == "$STACK_DIR/pg" ]]; then PG_LOG="$LOG_DIR/postgres.log"; else PG_LOG="$PG_DIR/postgres.log"; fi
}

# Creates the cluster's directories for the cluster user; dies when that user still cannot reach them.
pg_prepare_dirs() {
  if [[ "$PG_DIR" != "$STACK_DIR/pg" ]]; then
    mkdir -p "$PG_DIR"
    chmod 755 "$PG_SHARED_ROOT" "$(dirname "$PG_DIR")"
    printf '%s\n' "$STACK_DIR" >"$(dirname "$PG_DIR")/stack-dir"
    echo "$PG_DIR" >"$STACK_DIR/pg.location"
  fi
  mkdir -p "$PG_DIR" "$PG_SOCK"
  if is_root; then
    chown postgres:postgres "$PG_DIR" "$PG_SOCK"
    as_pg test -x "$PG_DIR" || die postgres "OS user postgres cannot traverse $PG_DIR (parent dir permissions); set TP_STACK_DIR or TP_PG_SHARED_ROOT elsewhere"
    touch "$PG_LOG"; chown postgres:postgres "$PG_LOG"
  else
    touch "$PG_LOG"
  fi
  if [[ "$PG_LOG" != "$LOG_DIR/postgres.log" ]]; then ln -sfn "$PG_LOG" "$LOG_DIR/postgres.log"; fi
  chmod 700 "$PG_SOCK"
}

pg_running() { [[ -f "$PG_DATA/PG_VERSION" ]] && as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; }

pg_psql_admin() { # psql as the cluster superuser over the private unix socket
  "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d postgres
}

pg_healthy() {
  "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 3 >/dev/null 2>&1 || return 1
  [[ "$(PGPASSWORD="$DB_PASS" PGCONNECT_TIMEOUT=3 "$PGBIN/psql" -X -tAq -h 127.0.0.1 -p "$PG_PORT" \
        -U "$DB_USER" -d tradeplane -c 'SELECT 1' 2>/dev/null)" == "1" ]]
}

pg_write_config() {
  cat >"$PG_DATA/tradeplane.conf" <<EOF
# Managed by infra/stack.sh - regenerated on every 'up'.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCK'
unix_socket_permissions = 0700
max_connections = 200
shared_buffers = 256MB
fsync = on
synchronous_commit = on
full_page_writes = on
timezone = 'UTC'
log_timezone = 'UTC'
log_line_prefix = '%m [%p] %q%u@%d '
EOF
  cat >"$PG_DATA/pg_hba.conf" <<EOF
# Managed by infra/stack.sh. Unix socket lives in a 0700 dir owned by the cluster user.
# TYPE  DATABASE  USER  ADDRESS        METHOD
local   all       all                  trust
host    all       all   127.0.0.1/32   scram-sha-256
EOF
  grep -q "^include_if_exists = 'tradeplane.conf'" "$PG_DATA/postgresql.conf" \
    || printf "\ninclude_if_exists = 'tradeplane.conf'\n" >>"$PG_DATA/postgresql.conf"
  if is_root; then chown postgres:postgres "$PG_DATA/tradeplane.conf" "$PG_DATA/pg_hba.conf"; fi
}

pg_up() {
  [[ -x "$PGBIN/initdb" ]] || ensure_packages
  local owner=postgres
  is_root || owner="$(id -un)"
  ensure_base_dirs
  pg_locate
  pg_prepare_dirs
  (( ${#PG_SOCK} < 90 )) || die postgres "unix socket dir path too long (${#PG_SOCK} chars): $PG_SOCK; use a shorter TP_STACK_DIR"

  if [[ ! -f "$PG_DATA/PG_VERSION" ]]; then
    log "postgres: initdb $PG_DATA (owner $owner)"
    rm -rf "$PG_DATA"
    as_pg "$PGBIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 >>"$LOG_DIR/postgres-initdb.log" 2>&1 \
      || die postgres "initdb failed" "$LOG_DIR/postgres-initdb.log"
  fi
  pg_write_config

  if pg_running; then
    log "postgres: already running on 127.0.0.1:$PG_PORT"
  else
    if port_open "$PG_PORT"; then
      die postgres "port 127.0.0.1:$PG_PORT is already in use by another process: $(port_owner "$PG_PORT")"
    fi
    log "postgres: starting on 127.0.0.1:$PG_PORT"
    as_pg setsid "$PGBIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t "$PG_START_TIMEOUT" start >/dev/null 2>&1 9>&- \
      || die postgres "pg_ctl start failed or timed out after ${PG_START_TIMEOUT}s" "$PG_LOG"
  fi

  # bootstrap role + databases (idempotent)
  local sql_log="$LOG_DIR/postgres-bootstrap.log"
  {
    pg_psql_admin <<SQL
SELECT format('CREATE ROLE %I LOGIN', '$DB_USER') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER')\gexec
ALTER ROLE $DB_USER WITH LOGIN SUPERUSER CREATEDB PASSWORD '$DB_PASS';
SQL
    for db in "${DB_NAMES[@]}"; do
      pg_psql_admin <<SQL
SELECT format('CREATE DATABASE %I OWNER %I', '$db', '$DB_USER') WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$db')\gexec
SQL
    done
  } >>"$sql_log" 2>&1 || die postgres "creating role/databases failed" "$sql_log"

  local i
  for ((i = 0; i < PG_START_TIMEOUT * 2; i++)); do pg_healthy && break; sleep 0.5; done
  pg_healthy || die postgres "health check (pg_isready + SELECT 1 as $DB_USER) failed" "$PG_LOG"
  log "postgres: healthy  postgresql://$DB_USER:$DB_PASS@127.0.0.1:$PG_PORT/tradeplane  (timescaledb: $(pg_timescale))"
}

pg_timescale() {
  local v
  v="$(PGPASSWORD="$DB_PASS" "$PGBIN/psql" -X -tAq -h 127.0.0.1 -p "$PG_PORT" -U "$DB_USER" -d tradeplane \
        -c "SELECT default_version FROM pg_available_extensions WHERE name = 'timescaledb'" 2>/dev/null || true)"
  if [[ -n "$v" ]]; then echo "available ($v)"; else echo "not available"; fi
}

pg_down() {
  if ! pg_running; then
    log "postgres: not running"
    return 0
  fi
  log "postgres: stopping (pg_ctl stop -m fast)"
  as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 30 stop >/dev/null 2>&1 \
    || as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -m immediate -w -t 15 stop >/dev/null 2>&1 \
    || die postgres "pg_ctl stop failed" "$PG_LOG"
  wait_port_closed "$PG_PORT" 10 || die postgres "port $PG_PORT still open after stop: $(port_owner "$PG_PORT")" "$PG_LOG"
}

pg_status() {
  local url="postgresql://$DB_USER:$DB_PASS@127.0.0.1:$PG_PORT/tradeplane"
  if pg_healthy; then
    printf '%-12s UP    127.0.0.1:%-6s %s (db: %s; timescaledb: %s)\n' postgres "$PG_PORT" "$url" "${DB_NAMES[*]}" "$(pg_timescale)"
  elif pg_running; then
    printf '%-12s DOWN  127.0.0.1:%-6s process running but health check failed (log: %s)\n' postgres "$PG_PORT" "$PG_LOG"; return 1
  else
    printf '%-12s DOWN  127.0.0.1:%-6s not running (log: %s)\n' postgres "$PG_PORT" "$PG_LOG"; return 1
  fi
}

# ----------------------------------------------------------------------------- redis
# instance properties: name -> port
redis_port() { case "$1" in queue) echo "$REDIS_QUEUE_PORT" ;; cache) echo "$REDIS_CACHE_PORT" ;; esac; }
redis_dir() { echo "$STACK_DIR/redis-$1"; }
redis_pidfile() { echo "$(redis_dir "$1")/redis.pid"; }
redis_log() { echo "$LOG_DIR/redis-$1.log"; }

redis_pid() { # pid of OUR redis instance, empty if not running
  local pid
  pid="$(read_pid "$(redis_pidfile "$1")")"
  if pid_alive "$pid" && grep -q 'redis' "/proc/$pid/comm" 2>/dev/null; then echo "$pid"; fi
}

redis_healthy() { [[ "$(timeout 3 redis-cli -h 127.0.0.1 -p "$(redis_port "$1")" ping 2>/dev/null)" == "PONG" ]]; }

redis_write_config() {
  local inst="$1" port dir conf
  port="$(redis_port "$inst")"; dir="$(redis_dir "$inst")"; conf="$dir/redis.conf"
  {
    cat <<EOF
# Managed by infra/stack.sh - regenerated on every 'up'. Instance: $inst
port $port
bind 127.0.0.1
protected-mode yes
daemonize yes
pidfile $(redis_pidfile "$inst")
logfile $(redis_log "$inst")
loglevel notice
dir $dir
databases 16
tcp-keepalive 300
EOF
    if [[ "$inst" == queue ]]; then
      cat <<EOF
# BullMQ: must never evict keys; durable via AOF (+ periodic RDB snapshots)
maxmemory-policy noeviction
appendonly yes
appendfilename "appendonly.aof"
appendfsync everysec
save 3600 1 300 100 60 10000
EOF
    else
      cat <<EOF
# feature cache: pure cache, no persistence, LRU eviction
maxmemory 256mb
maxmemory-policy allkeys-lru
appendonly no
save ""
EOF
    fi
  } >"$conf"
}

redis_up_one() {
  local inst="$1" port dir
  port="$(redis_port "$inst")"; dir="$(redis_dir "$inst")"
  command -v redis-server >/dev/null 2>&1 || ensure_packages
  mkdir -p "$dir"
  redis_write_config "$inst"
  if [[ -n "$(redis_pid "$inst")" ]]; then
    log "redis-$inst: already running on 127.0.0.1:$port"
  else
    if port_open "$port"; then
      die "redis-$inst" "port 127.0.0.1:$port is already in use by another process: $(port_owner "$port")"
    fi
    rm -f "$(redis_pidfile "$inst")"
    log "redis-$inst: starting on 127.0.0.1:$port"
    (cd "$dir" && redis-server "$dir/redis.conf" --daemonize yes --bind 127.0.0.1 --protected-mode yes) \
      >>"$(redis_log "$inst")" 2>&1 9>&- || die "redis-$inst" "redis-server failed to start" "$(redis_log "$inst")"
  fi
  local i
  for ((i = 0; i < REDIS_START_TIMEOUT * 10; i++)); do redis_healthy "$inst" && break; sleep 0.1; done
  redis_healthy "$inst" || die "redis-$inst" "no PONG on 127.0.0.1:$port within ${REDIS_START_TIMEOUT}s" "$(redis_log "$inst")"
  log "redis-$inst: healthy  redis://127.0.0.1:$port"
}

redis_down_one() {
  local inst="$1" port pid i
  port="$(redis_port "$inst")"; pid="$(redis_pid "$inst")"
  if [[ -z "$pid" ]]; then
    log "redis-$inst: not running"
    return 0
  fi
  log "redis-$inst: stopping (pid $pid)"
  if [[ "$inst" == cache ]]; then
    timeout 5 redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true
  else
    timeout 10 redis-cli -h 127.0.0.1 -p "$port" shutdown >/dev/null 2>&1 || true
  fi
  for ((i = 0; i < 100; i++)); do pid_alive "$pid" || break; sleep 0.1; done
  if pid_alive "$pid"; then kill -TERM "$pid" 2>/dev/null || true; fi
  for ((i = 0; i < 50; i++)); do pid_alive "$pid" || break; sleep 0.1; done
  if pid_alive "$pid"; then log "redis-$inst: still alive, SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; sleep 0.2; fi
  wait_port_closed "$port" 5 || die "redis-$inst" "port $port still open after stop: $(port_owner "$port")" "$(redis_log "$inst")"
  rm -f "$(redis_pidfile "$inst")"
}

redis_status_one() {
  local inst="$1" port policy aof
  port="$(redis_port "$inst")"
  if redis_healthy "$inst"; then
    policy="$(redis-cli -h 127.0.0.1 -p "$port" config get maxmemory-policy 2>/dev/null | sed -n 2p)"
    aof="$(redis-cli -h 127.0.0.1 -p "$port" config get appendonly 2>/dev/null | sed -n 2p)"
    printf '%-12s UP    127.0.0.1:%-6s redis://127.0.0.1:%s (maxmemory-policy=%s appendonly=%s)\n' "redis-$inst" "$port" "$port" "$policy" "$aof"
  elif [[ -n "$(redis_pid "$inst")" ]]; then
    printf '%-12s DOWN  127.0.0.1:%-6s process running but no PONG (log: %s)\n' "redis-$inst" "$port" "$(redis_log "$inst")"; return 1
  else
    printf '%-12s DOWN  127.0.0.1:%-6s not running (log: %s)\n' "redis-$inst" "$port" "$(redis_log "$inst")"; return 1
  fi
}

# ----------------------------------------------------------------------------- kafka
kafka_pid() { # pid of OUR kafka broker, empty if not running
  local pid
  pid="$(read_pid "$KAFKA_PIDFILE")"
  if pid_alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "kafka.Kafka $KAFKA_CONF_DIR/server.properties"; then
    echo "$pid"
  fi
}

kafka_tool_java() { # run a short-lived JVM against the kafka libs with quiet logging
  java -Xms32m -Xmx192m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto \
    -Dlog4j.configuration="file:$KAFKA_CONF_DIR/tools-log4j.properties" "$@"
}

kafka_admin() { # kafka_admin check|ensure WAIT [PARTITIONS TOPICS]
  local mode="$1" wait="$2"; shift 2
  kafka_tool_java -cp "$KAFKA_HELPER_DIR:$KAFKA_LIBS/*" TpKafkaAdmin "$mode" "127.0.0.1:$KAFKA_PORT" "$wait" "$@"
}

kafka_write_config() {
  mkdir -p "$KAFKA_CONF_DIR" "$KAFKA_DATA"
  cat >"$KAFKA_CONF_DIR/server.properties" <<EOF
# Managed by infra/stack.sh - regenerated on every 'up'. Single-node KRaft (broker + controller).
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_DATA
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
delete.topic.enable=true
num.network.threads=2
num.io.threads=4
background.threads=4
num.recovery.threads.per.data.dir=1
log.retention.hours=168
log.retention.check.interval.ms=300000
EOF
  cat >"$KAFKA_CONF_DIR/log4j.properties" <<EOF
# Managed by infra/stack.sh
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$KAFKA_LOG
log4j.appender.file.MaxFileSize=20MB
log4j.appender.file.MaxBackupIndex=3
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.org.apache.kafka.clients=WARN
EOF
  cat >"$KAFKA_CONF_DIR/tools-log4j.properties" <<EOF
log4j.rootLogger=ERROR, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
}

kafka_format() {
  [[ -f "$KAFKA_DATA/meta.properties" ]] && return 0
  local flog="$LOG_DIR/kafka-format.log" cid
  cid="$(cat "$KAFKA_DIR/cluster-id" 2>/dev/null || true)"
  if [[ -z "$cid" ]]; then
    cid="$(kafka_tool_java -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool random-uuid 2>>"$flog" | tail -n1)"
    [[ -n "$cid" ]] || die kafka "StorageTool random-uuid failed" "$flog"
    echo "$cid" >"$KAFKA_DIR/cluster-id"
  fi
  log "kafka: formatting KRaft storage (cluster id $cid)"
  kafka_tool_java -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool format -t "$cid" \
    -c "$KAFKA_CONF_DIR/server.properties" --ignore-formatted >>"$flog" 2>&1 \
    || die kafka "StorageTool format failed" "$flog"
}

kafka_up() {
  if ! { command -v java && command -v javac && command -v mvn; } >/dev/null 2>&1; then ensure_packages; fi
  ensure_kafka_libs
  ensure_kafka_helper
  kafka_write_config
  local pid t0=$SECONDS
  pid="$(kafka_pid)"
  if [[ -n "$pid" ]]; then
    log "kafka: already running (pid $pid) on 127.0.0.1:$KAFKA_PORT"
  else
    local p
    for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
      if port_open "$p"; then die kafka "port 127.0.0.1:$p is already in use by another process: $(port_owner "$p")"; fi
    done
    kafka_format
    rm -f "$KAFKA_PIDFILE"
    log "kafka: starting $(kafka_version) on 127.0.0.1:$KAFKA_PORT (controller :$KAFKA_CONTROLLER_PORT)"
    # shellcheck disable=SC2086,SC2016  # word-split heap opts; $$ is expanded by the inner bash
    setsid bash -c 'echo $$ >"$1"; shift; exec nohup "$@"' _ "$KAFKA_PIDFILE" \
      java $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
      -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError -XX:CICompilerCount=2 \
      -Djava.awt.headless=true -Djava.net.preferIPv4Stack=true -Dkafka.logs.dir="$LOG_DIR" \
      -Dlog4j.configuration="file:$KAFKA_CONF_DIR/log4j.properties" \
      -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_CONF_DIR/server.properties" \
      </dev/null >>"$KAFKA_STDOUT_LOG" 2>&1 9>&- &
    local i
    for ((i = 0; i < 50; i++)); do [[ -s "$KAFKA_PIDFILE" ]] && break; sleep 0.1; done
    pid="$(read_pid "$KAFKA_PIDFILE")"
    # wait for the listener (fail fast if the JVM dies)
    for ((i = 0; i < KAFKA_START_TIMEOUT * 5; i++)); do
      if ! pid_alive "$pid"; then
        [[ -s "$KAFKA_LOG" ]] && { log "kafka: --- last 15 lines of $KAFKA_LOG ---"; tail -n 15 "$KAFKA_LOG" | sed 's/^/[stack]   | /' >&2; }
        die kafka "broker process exited during startup (broker log: $KAFKA_LOG)" "$KAFKA_STDOUT_LOG"
      fi
      port_open "$KAFKA_PORT" && break
      sleep 0.2
    done
    port_open "$KAFKA_PORT" || die kafka "port $KAFKA_PORT not listening after ${KAFKA_START_TIMEOUT}s" "$KAFKA_LOG"
  fi
  # real metadata round-trip (describeCluster + listTopics), then idempotent topic creation
  local remaining=$((KAFKA_START_TIMEOUT - (SECONDS - t0))) out
  ((remaining > 10)) || remaining=10
  out="$(kafka_admin ensure "$remaining" 3 "$KAFKA_TOPICS" 2>>"$LOG_DIR/kafka-admin.log")" \
    || die kafka "metadata request / topic creation failed (see also $LOG_DIR/kafka-admin.log)" "$KAFKA_LOG"
  log "kafka: healthy  127.0.0.1:$KAFKA_PORT  $out  ($((SECONDS - t0))s)"
}

kafka_down() {
  local pid i
  pid="$(kafka_pid)"
  if [[ -z "$pid" ]]; then
    log "kafka: not running"
  else
    log "kafka: stopping (pid $pid, SIGTERM, up to ${KAFKA_STOP_TIMEOUT}s)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < KAFKA_STOP_TIMEOUT * 10; i++)); do pid_alive "$pid" || break; sleep 0.1; done
    if pid_alive "$pid"; then
      log "kafka: did not stop within ${KAFKA_STOP_TIMEOUT}s, SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do pid_alive "$pid" || break; sleep 0.1; done
    fi
    pid_alive "$pid" && die kafka "pid $pid survived SIGKILL" "$KAFKA_LOG"
    rm -f "$KAFKA_PIDFILE"
  fi
  local p
  if [[ -n "$pid" ]]; then
    for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
      wait_port_closed "$p" 10 || die kafka "port $p still open after stop: $(port_owner "$p")" "$KAFKA_LOG"
    done
  fi
}

kafka_status() {
  local pid out
  pid="$(kafka_pid)"
  if [[ -z "$pid" ]]; then
    printf '%-12s DOWN  127.0.0.1:%-6s not running (log: %s)\n' kafka "$KAFKA_PORT" "$KAFKA_LOG"; return 1
  fi
  if [[ ! -d "$KAFKA_HELPER_DIR" ]] || ! port_open "$KAFKA_PORT"; then
    printf '%-12s DOWN  127.0.0.1:%-6s pid %s running but port closed (log: %s)\n' kafka "$KAFKA_PORT" "$pid" "$KAFKA_LOG"; return 1
  fi
  if out="$(kafka_admin check 5 2>&1 | tail -n1)" && [[ "$out" == ok* ]]; then
    printf '%-12s UP    127.0.0.1:%-6s %s kafka %s %s\n' kafka "$KAFKA_PORT" "127.0.0.1:$KAFKA_PORT" "$(kafka_version)" "${out#ok }"
  else
    printf '%-12s DOWN  127.0.0.1:%-6s pid %s, metadata request failed: %s (log: %s)\n' kafka "$KAFKA_PORT" "$pid" "$out" "$KAFKA_LOG"; return 1
  fi
}

# ----------------------------------------------------------------------------- dispatch
ALL_COMPONENTS=(postgres redis-queue redis-cache kafka)

COMPS=()
expand_components() { # args -> COMPS (canonical component list, in start order)
  COMPS=()
  if (($# == 0)); then COMPS=("${ALL_COMPONENTS[@]}"); return; fi
  local c
  for c in "$@"; do
    case "$c" in
      postgres | pg | postgresql) COMPS+=(postgres) ;;
      redis) COMPS+=(redis-queue redis-cache) ;;
      redis-queue | queue) COMPS+=(redis-queue) ;;
      redis-cache | cache) COMPS+=(redis-cache) ;;
      kafka) COMPS+=(kafka) ;;
      all) COMPS+=("${ALL_COMPONENTS[@]}") ;;
      *) die stack "unknown component '$c' (expected: postgres, redis, redis-queue, redis-cache, kafka)" ;;
    esac
  done
}

comp_up() {
  case "$1" in
    postgres) pg_up ;; redis-queue) redis_up_one queue ;; redis-cache) redis_up_one cache ;; kafka) kafka_up ;;
  esac
}
comp_down() {
  case "$1" in
    postgres) pg_down ;; redis-queue) redis_down_one queue ;; redis-cache) redis_down_one cache ;; kafka) kafka_down ;;
  esac
}
comp_status() {
  case "$1" in
    postgres) pg_status ;; redis-queue) redis_status_one queue ;; redis-cache) redis_status_one cache ;; kafka) kafka_status ;;
  esac
}

usage() {
  sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

main() {
  local cmd="${1:-}"
  (($#)) && shift
  local comps=() c
  case "$cmd" in
    up)
      expand_components "$@"; comps=("${COMPS[@]}")
      lock_stack
      if [[ "${#comps[@]}" -gt 1 ]]; then ensure_packages; fi
      for c in "${comps[@]}"; do comp_up "$c"; done
      log "up: done (${comps[*]}); logs in $LOG_DIR"
      ;;
    down | stop)
      expand_components "$@"; comps=("${COMPS[@]}")
      lock_stack
      local i
      for ((i = ${#comps[@]} - 1; i >= 0; i--)); do comp_down "${comps[i]}"; done
      log "down: done (${comps[*]})"
      ;;
    restart)
      expand_components "$@"; comps=("${COMPS[@]}")
      lock_stack
      local i
      for ((i = ${#comps[@]} - 1; i >= 0; i--)); do comp_down "${comps[i]}"; done
      for c in "${comps[@]}"; do comp_up "$c"; done
      ;;
    status)
      expand_components "$@"; comps=("${COMPS[@]}")
      local rc=0
      for c in "${comps[@]}"; do comp_status "$c" || rc=1; done
      return "$rc"
      ;;
    install)
      lock_stack
      cmd_install
      ;;
    -h | --help | help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

pg_locate
# Sourced (by infra/stack.test.sh), it only defines the functions.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then main "$@"; fi
