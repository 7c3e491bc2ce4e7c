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

# Debian's Chromium, and CJK fonts so screenshots show Chinese.
ensure_chromium() {
  local missing=()
  command -v "${CHROMIUM:-chromium}" >/dev/null || missing+=(chromium)
  dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
  if [ ${#missing[@]} -gt 0 ]; then say "installing ${missing[*]} (Debian)"; apt_install "${missing[@]}"; fi
}

# Exports JIFEN_TEST_POSTGRES_URL (and JIFEN_TEST_REQUIRE_POSTGRES=1) when a PostgreSQL is
# reachable, starting the local cluster if it is installed but down.
ensure_postgres() {
  if [ -n "${JIFEN_TEST_POSTGRES_URL:-}" ]; then export JIFEN_TEST_REQUIRE_POSTGRES=1; return; fi
  if command -v pg_isready >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432; then
    if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
      say "starting the local PostgreSQL"
      as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
      for _ in $(seq 1 20); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
    fi
  fi
  if command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then
    export JIFEN_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:5432/postgres"
    export JIFEN_TEST_REQUIRE_POSTGRES=1
  else
    [ "${JIFEN_TEST_REQUIRE_POSTGRES:-}" = 1 ] && die "PostgreSQL is required but not reachable at 127.0.0.1:5432"
    printf '\033[33mwarning:\033[0m PostgreSQL is not reachable at 127.0.0.1:5432: the PostgreSQL halves of the tests are SKIPPED\n' >&2
  fi
}
