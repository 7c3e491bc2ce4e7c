#!/usr/bin/env bash
# Starts a second real server for the demo-county journey: a fresh SQLite database with the demo
# county seeded (jifen seed-demo, 2 villages) and 2 days of its life simulated through the HTTP
# API (jifen simulate) before it answers /readyz, so the officials' overview has figures.
set -euo pipefail
port="$1"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
bin="${JIFEN_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/jifen}"
# Playwright kills this process when the run ends (no trap would run), so the data lives in
# test-results/ (ignored by git) and is wiped at the next start.
data="$here/test-results/demo-data"
rm -rf "$data"
mkdir -p "$data"
export JIFEN_DATA_DIR="$data" JIFEN_WEB_DIR="$root/app/dist" JIFEN_SMS_PROVIDER=log
unset JIFEN_DATABASE_URL JIFEN_CONFIG
"$bin" seed-demo --villages 2 >"$here/test-results/demo-seed.txt"
source "$root/scripts/lib.sh"
# Simulate against a private instance first (any free port), then serve for the journey. A
# failed simulation does not stop the other journeys: demo.spec.ts checks the figures (and
# scripts/test's demo-county suite fails on it).
JIFEN_BIND=127.0.0.1:0 "$bin" serve >"$data/sim-server.out" 2>"$data/sim-server.log" &
sim_server=$!
url="$(wait_for_serving "$data/sim-server.out" "$sim_server")"
"$bin" simulate --url "$url" --days 2 --villages 2 >"$here/test-results/demo-simulate.txt" 2>&1 || true
kill "$sim_server" || true
wait "$sim_server" || true
export JIFEN_BIND="127.0.0.1:$port"
"$bin" serve 2>&1 | tee "$here/test-results/demo-server.log"
