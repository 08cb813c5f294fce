#!/usr/bin/env bash
# Where infra/stack.sh puts PostgreSQL's cluster, checked in a scratch directory: a checkout in a
# private (mode 700) directory gets a directory the OS user postgres reaches by itself, one per
# checkout; a checkout anywhere else keeps <stack>/pg; a shared root postgres cannot reach either
# is refused with the message. Touches neither the running stack nor its ports.
set -euo pipefail
STACK_SH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/stack.sh"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
chmod 755 "$scratch"
mkdir -p "$scratch/home" "$scratch/srv"
chmod 700 "$scratch/home"
failures=0
fail() { printf 'FAIL: %s\n' "$*" >&2; failures=$((failures + 1)); }

# in_stack STACK_DIR SHARED_ROOT SCRIPT: SCRIPT in a fresh bash with stack.sh sourced (its set -e holds)
in_stack() { TP_STACK_DIR="$1" TP_PG_SHARED_ROOT="$2" bash -c ". \"\$1\"; $3" in_stack "$STACK_SH"; }
# the directory pg_locate picks
choose() { in_stack "$1" "$2" 'echo "$PG_DIR"'; }
# what `up` does before initdb, then initdb as the cluster user; prints the directory
prepare() {
  in_stack "$1" "$2" 'ensure_base_dirs; pg_locate; pg_prepare_dirs
    as_pg "$PGBIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=trust >/dev/null 2>&1
    as_pg test -w "$PG_LOG"; echo "$PG_DIR"'
}

shared="$scratch/shared"
public_dir="$(choose "$scratch/srv/repo/.stack" "$shared")"
[[ "$public_dir" == "$scratch/srv/repo/.stack/pg" ]] || fail "a reachable checkout should keep <stack>/pg, got $public_dir"

if [[ "$(id -u)" -ne 0 ]]; then
  # Not root: PostgreSQL runs as this user, who owns the checkout; nothing moves.
  private_dir="$(choose "$scratch/home/repo/.stack" "$shared")"
  [[ "$private_dir" == "$scratch/home/repo/.stack/pg" ]] || fail "as a plain user the cluster stays in <stack>/pg, got $private_dir"
else
  private_dir="$(choose "$scratch/home/repo/.stack" "$shared")"
  [[ "$private_dir" == "$shared/"*/pg ]] || fail "a checkout in a mode-700 directory should move under $shared, got $private_dir"
  other_dir="$(choose "$scratch/home/other/.stack" "$shared")"
  [[ "$other_dir" == "$shared/"*/pg && "$other_dir" != "$private_dir" ]] || fail "two checkouts share $other_dir"

  prepared="$(prepare "$scratch/home/repo/.stack" "$shared")" || fail "postgres could not initdb in the chosen directory"
  [[ "$prepared" == "$private_dir" ]] || fail "prepare used $prepared, not $private_dir"
  [[ -f "$private_dir/data/PG_VERSION" ]] || fail "no cluster in $private_dir/data"
  [[ "$(stat -c %U "$private_dir/data")" == postgres ]] || fail "the cluster is not owned by postgres"
  [[ "$(cat "$scratch/home/repo/.stack/pg.location")" == "$private_dir" ]] || fail "the choice was not recorded"
  # Recorded: the same directory even where the rule would now answer otherwise.
  chmod 755 "$scratch/home"
  [[ "$(choose "$scratch/home/repo/.stack" "$shared")" == "$private_dir" ]] || fail "the recorded choice was not kept"
  chmod 700 "$scratch/home"

  # A shared root inside the private directory cannot help: the message names the way out.
  if out="$(prepare "$scratch/home/third/.stack" "$scratch/home/shared" 2>&1)"; then
    fail "an unreachable shared root was accepted: $out"
  elif [[ "$out" != *"OS user postgres cannot traverse"*"set TP_STACK_DIR"* ]]; then
    fail "unexpected message for an unreachable shared root: $out"
  fi
fi

if ((failures)); then exit 1; fi
echo "pg location: ok"
