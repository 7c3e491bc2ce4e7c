#!/usr/bin/env bash
# Starts the real server for the browser journeys: a fresh SQLite database in a temporary
# directory, 长垣市's divisions loaded, the built PWA from app/dist.
set -euo pipefail
port="$1"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
bin="${JIFEN_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/jifen}"
# Playwright kills this process when the run ends (no trap would run), so the data lives in
# test-results/ (ignored by git) and is wiped at the next start.
data="$here/test-results/server-data"
rm -rf "$data"
mkdir -p "$data"
export JIFEN_DATA_DIR="$data" JIFEN_BIND="127.0.0.1:$port" JIFEN_WEB_DIR="$root/app/dist"
unset JIFEN_DATABASE_URL JIFEN_CONFIG
"$bin" import-divisions
exec "$bin" serve
