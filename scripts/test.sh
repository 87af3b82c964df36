#!/usr/bin/env bash
# Quick start, command 2: install what is missing, then run every test layer and print one line
# per layer with its time, and a closing "N passed, M failed" line.
#   native core + web tests (unit, catalog, golden, property, determinism) -> no_std build ->
#   trunk release build -> wasm tests in Node -> wasm tests in headless Chromium -> Playwright e2e (@playwright/test, axe-core)
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh" || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
. "$ROOT/scripts/env.sh"
cd "$ROOT"
passed=0 failed=0
layer() {
  local name=$1; shift
  local start=$SECONDS
  echo "=== $name"
  if "$@"; then
    passed=$((passed + 1)); echo "=== ok: $name ($((SECONDS - start)) s)"
  else
    failed=$((failed + 1)); echo "=== FAILED: $name ($((SECONDS - start)) s)"
  fi
}
# Native builds must not rebuild std (debian mode sets build-std for wasm only).
native() { env -u CARGO_UNSTABLE_BUILD_STD -u RUSTC_BOOTSTRAP "$@"; }
layer "native tests (core + web)" native cargo test --workspace --quiet
layer "core builds as no_std for wasm32" cargo build --quiet -p mqplay-core --no-default-features --target wasm32-unknown-unknown
layer "trunk release build" trunk build --release
layer "wasm tests in Node" env WASM_BINDGEN_TEST_ONLY_NODE=1 cargo test -p mqplay-web --target wasm32-unknown-unknown --tests
layer "wasm tests in headless Chromium" env WASM_BINDGEN_USE_BROWSER=1 cargo test -p mqplay-web --target wasm32-unknown-unknown --tests
layer "end-to-end (@playwright/test + axe, Chromium)" env -C tests/e2e npx --no-install playwright test -c playwright.config.mjs
echo "test layers: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
