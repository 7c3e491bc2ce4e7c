#!/usr/bin/env bash
# Starts the real server for the browser journeys: a fresh SQLite database in a temporary
# directory, 长垣市's divisions loaded, the built PWA from app/dist.
set -euo pipefail
port="$1"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
bin="${JIFEN_BIN:-$root/target/debug/jifen}"
data="$(mktemp -d)"
trap 'rm -rf "$data"' EXIT
export JIFEN_DATA_DIR="$data" JIFEN_BIND="127.0.0.1:$port" JIFEN_WEB_DIR="$root/app/dist"
unset JIFEN_DATABASE_URL JIFEN_CONFIG
"$bin" import-divisions
exec "$bin" serve
