#!/usr/bin/env bash
# `npm stop`: stop web, workers, gateway and engine, then the local stack.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
for s in web workers gateway engine; do stop_service "$s"; done
if [ "${1:-}" != "--keep-stack" ]; then bash "$REPO_ROOT/infra/stack.sh" down; fi
say "stopped"
