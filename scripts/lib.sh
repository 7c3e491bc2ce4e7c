# Shared helpers of scripts/run, scripts/test and .ci/run: install what is missing, nothing
# more. Sourced, not run.

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# Runs a command as root (directly, or with sudo when available).
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "need root to run: $* (install it by hand and run again)"; fi
}

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

ensure_wasm_target() {
  command -v cargo >/dev/null || die "Rust is not installed (https://rustup.rs)"
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_node() {
  command -v npm >/dev/null || { say "installing Node.js and npm (Debian)"; apt_install nodejs npm; }
}

# `npm ci` in the current directory unless node_modules already matches package-lock.json.
npm_install() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
  fi
}

# The national NBS files beside the repository (../shared/data/divisions) feed the national-
# scale tests. Without them those tests are skipped, loudly; under CI they fail.
ensure_national_data() {
  local dir="${JIFEN_TEST_DIVISIONS_DIR:-../shared/data/divisions}"
  if [ ! -f "$dir/villages.csv.gz" ]; then
    [ -n "${CI:-}" ] && die "the national division files are missing from $dir"
    printf '\033[33mwarning:\033[0m no national division files in %s: the national-scale tests are SKIPPED\n' "$dir" >&2
  fi
}

# Debian's Chromium, CJK fonts so screenshots show Chinese, and the sqlite3 shell (a journey
# moves a hand-over into last month, as the Rust tests do, to have a month to pay).
ensure_chromium() {
  local missing=()
  command -v "${CHROMIUM:-chromium}" >/dev/null || missing+=(chromium)
  dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
  command -v sqlite3 >/dev/null || missing+=(sqlite3)
  if [ ${#missing[@]} -gt 0 ]; then say "installing ${missing[*]} (Debian)"; apt_install "${missing[@]}"; fi
}

# Exports JIFEN_TEST_POSTGRES_URL (and JIFEN_TEST_REQUIRE_POSTGRES=1) when a PostgreSQL is
# reachable, starting the local cluster if it is installed but down.
ensure_postgres() {
  if [ -n "${JIFEN_TEST_POSTGRES_URL:-}" ]; then export JIFEN_TEST_REQUIRE_POSTGRES=1; return; fi
  if [ -n "${CI:-}" ] && ! command -v pg_ctlcluster >/dev/null; then
    say "installing PostgreSQL (Debian)"
    apt_install postgresql
  fi
  if command -v pg_isready >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432; then
    if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
      say "starting the local PostgreSQL"
      as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
      for _ in $(seq 1 20); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
    fi
  fi
  local url="postgres://postgres@127.0.0.1:5432/postgres"
  if [ -n "${CI:-}" ] && command -v psql >/dev/null && ! psql "$url" -qAtc 'SELECT 1' >/dev/null 2>&1 &&
    as_root su postgres -c "psql -qAtc \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null 2>&1; then
    # A stock Debian cluster asks for a password on 127.0.0.1 (scram-sha-256): CI sets one.
    url="postgres://postgres:postgres@127.0.0.1:5432/postgres"
  fi
  if command -v psql >/dev/null && psql "$url" -qAtc 'SELECT 1' >/dev/null 2>&1; then
    export JIFEN_TEST_POSTGRES_URL="$url"
    export JIFEN_TEST_REQUIRE_POSTGRES=1
  else
    [ "${JIFEN_TEST_REQUIRE_POSTGRES:-}" = 1 ] && die "PostgreSQL is required but $url does not answer (set JIFEN_TEST_POSTGRES_URL)"
    printf '\033[33mwarning:\033[0m %s does not answer: the PostgreSQL halves of the tests are SKIPPED (set JIFEN_TEST_POSTGRES_URL)\n' "$url" >&2
  fi
}

# Waits until `jifen serve` (process $2, standard output in file $1) prints "Jifen is serving
# on http://…/" and echoes that base URL (no trailing slash); fails if the server stops or
# does not start within 30 s. Serve with JIFEN_BIND=127.0.0.1:0 to get a free port.
wait_for_serving() {
  local out="$1" pid="$2" url=""
  for _ in $(seq 1 150); do
    url="$(sed -n 's|^Jifen is serving on \(http://[^/]*\)/$|\1|p' "$out")"
    [ -n "$url" ] && { echo "$url"; return 0; }
    kill -0 "$pid" 2>/dev/null || { echo "the server stopped before serving" >&2; return 1; }
    sleep 0.2
  done
  echo "the server did not start within 30 s" >&2
  return 1
}

# The API fuzzer (schemathesis, from PyPI) in a virtualenv of its own under the user's cache
# (~/.cache/jifen/schemathesis-<version>), made once; exports SCHEMATHESIS (its command).
# Python 3 with venv and pip; on Debian `python3-venv` is installed when missing.
SCHEMATHESIS_VERSION=4.32.5
ensure_schemathesis() {
  local venv="${XDG_CACHE_HOME:-$HOME/.cache}/jifen/schemathesis-$SCHEMATHESIS_VERSION"
  SCHEMATHESIS="$venv/bin/schemathesis"
  export SCHEMATHESIS
  [ -x "$SCHEMATHESIS" ] && return
  command -v python3 >/dev/null || { say "installing Python 3 (Debian)"; apt_install python3; }
  if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    say "installing python3-venv (Debian)"
    apt_install python3-venv
  fi
  say "installing schemathesis $SCHEMATHESIS_VERSION into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
}

# A real S3-compatible server for the photo-store tests: s3s-fs (crates.io; the S3 REST
# protocol over a directory, SigV4 checked), built once per machine into the user's cache
# (~/.cache/jifen/s3s-fs-<version>, about 4 minutes on 2 cores); exports JIFEN_TEST_S3S_FS
# (its binary) and JIFEN_TEST_REQUIRE_S3=1. 0.14.1 is the newest that builds with Rust 1.95.
S3S_FS_VERSION=0.14.1
ensure_s3_server() {
  local root="${XDG_CACHE_HOME:-$HOME/.cache}/jifen/s3s-fs-$S3S_FS_VERSION"
  if [ ! -x "$root/bin/s3s-fs" ]; then
    say "building s3s-fs $S3S_FS_VERSION (an S3-compatible server, crates.io) into $root"
    CARGO_TARGET_DIR="$root/target" cargo install -q --locked --root "$root" \
      s3s-fs --version "$S3S_FS_VERSION" --features binary
    rm -rf "$root/target"
  fi
  export JIFEN_TEST_S3S_FS="$root/bin/s3s-fs" JIFEN_TEST_REQUIRE_S3=1
}

# HAProxy (Debian), the load balancer of the two-instance suite (scripts/cluster), and the
# curl and python3 that suite uses.
ensure_haproxy() {
  local missing=()
  command -v haproxy >/dev/null || missing+=(haproxy)
  command -v curl >/dev/null || missing+=(curl)
  command -v python3 >/dev/null || missing+=(python3)
  if [ ${#missing[@]} -gt 0 ]; then say "installing ${missing[*]} (Debian)"; apt_install "${missing[@]}"; fi
}

# A free TCP port of 127.0.0.1.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
