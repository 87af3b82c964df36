#!/usr/bin/env bash
# Installs whatever this machine lacks to build, serve and test mqplay, and nothing it already has.
# Debian 12 with a rustup toolchain; network = package registries only. Safe to re-run.
#   TOOLS_ROOT   where trunk and wasm-bindgen go (default ~/.cache/mqplay-tools)
#   WEB_TOOLCHAIN=rustup|debian   force how the wasm32 standard library is obtained
#   SETUP_FOR=serve|test          serve skips the browser and test-only packages
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export TOOLS_ROOT="${TOOLS_ROOT:-$HOME/.cache/mqplay-tools}"
SETUP_FOR="${SETUP_FOR:-test}"
TRUNK_VERSION=0.21.14   # trunk 0.22 needs rustc >= 1.96.1
# The wasm-bindgen CLI must be exactly the wasm-bindgen crate version in Cargo.lock.
WB_VERSION="$(awk '$0=="name = \"wasm-bindgen\"" {getline; gsub(/version = |"/, ""); print; exit}' "$ROOT/Cargo.lock")"
[ -n "$WB_VERSION" ] || { echo "setup: no wasm-bindgen in Cargo.lock" >&2; exit 1; }
mkdir -p "$TOOLS_ROOT/bin"
T0=$SECONDS
say() { printf '[setup %4ss] %s\n' "$((SECONDS - T0))" "$*"; }
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
APT_UPDATED=
apt_need() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ -z "$APT_UPDATED" ]; then say "apt-get update"; $SUDO apt-get update -qq; APT_UPDATED=1; fi
  say "apt-get install ${missing[*]} (about a minute)"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
}

# 1. Browser and fonts for the tests: Debian's Chromium (no browser download is possible here) and
#    a CJK font so screenshots of the Chinese interface show characters.
if [ "$SETUP_FOR" = test ]; then
  apt_need chromium chromium-driver fonts-noto-cjk
fi

# 2. The wasm32 standard library: rustup's target when it can be had, else Debian's rustc-web with
#    std built from source. The choice is remembered in $TOOLS_ROOT/mode.
mode="${WEB_TOOLCHAIN:-$(cat "$TOOLS_ROOT/mode" 2>/dev/null || true)}"
if [ -z "$mode" ]; then
  if command -v rustup >/dev/null &&
     { rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown ||
       { say "rustup target add wasm32-unknown-unknown"; timeout 300 rustup target add wasm32-unknown-unknown; }; }; then
    mode=rustup
  else
    mode=debian
  fi
fi
[ "$mode" = debian ] && apt_need rustc-web cargo-web rust-web-src lld-19
echo "$mode" > "$TOOLS_ROOT/mode"

# 3. trunk and wasm-bindgen-cli from crates.io, built by the host cargo.
HOST_CARGO=cargo; command -v cargo >/dev/null || HOST_CARGO=/usr/bin/cargo
have() { [ "$("$1" --version 2>/dev/null || true)" = "$2" ]; }
if ! have "$TOOLS_ROOT/bin/trunk" "trunk $TRUNK_VERSION"; then
  say "cargo install trunk $TRUNK_VERSION (6-8 minutes on 2 cores; once per machine)"
  "$HOST_CARGO" install trunk --version "$TRUNK_VERSION" --locked --root "$TOOLS_ROOT" --force --quiet
fi
if ! have "$TOOLS_ROOT/bin/wasm-bindgen" "wasm-bindgen $WB_VERSION"; then
  say "cargo install wasm-bindgen-cli $WB_VERSION (about 3 minutes; once per machine)"
  # --locked fails when the published lock names a crate version the index no longer serves.
  "$HOST_CARGO" install wasm-bindgen-cli --version "$WB_VERSION" --locked --root "$TOOLS_ROOT" --force --quiet ||
    "$HOST_CARGO" install wasm-bindgen-cli --version "$WB_VERSION" --root "$TOOLS_ROOT" --force --quiet
fi

# 4. npm packages from the lockfile: wasm-opt 132 (binaryen) for trunk, @playwright/test and
#    @axe-core/playwright for the end-to-end tests (they drive Debian's Chromium; no browser download).
stamp="$ROOT/tests/e2e/node_modules/.setup-stamp"
want="$(sha256sum "$ROOT/tests/e2e/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  say "npm ci in tests/e2e"
  (cd "$ROOT/tests/e2e" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" > "$stamp"
fi

# 5. Crates for offline builds (trunk runs cargo --offline); in debian mode this also fetches the
#    dependencies of std itself.
# shellcheck source=env.sh
. "$ROOT/scripts/env.sh"
say "cargo fetch"
(cd "$ROOT" && cargo fetch --locked --target wasm32-unknown-unknown -q && env -u CARGO_UNSTABLE_BUILD_STD cargo fetch --locked -q)
say "ready (wasm toolchain: $mode)"
