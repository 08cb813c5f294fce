#!/usr/bin/env bash
# Debian's Chromium for the console's end-to-end tests (Playwright's own browser download
# cannot reach its host here; playwright-core drives /usr/bin/chromium instead).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
echo "[tradeplane] installing Debian's chromium"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
/usr/bin/chromium --version
