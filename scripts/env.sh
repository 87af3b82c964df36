# shellcheck shell=bash
# Source me: PATH and variables for trunk, wasm-bindgen-test and the browser tests.
_mq_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export TOOLS_ROOT="${TOOLS_ROOT:-$HOME/.cache/mqplay-tools}"
export WEB_TOOLCHAIN="${WEB_TOOLCHAIN:-$(cat "$TOOLS_ROOT/mode" 2>/dev/null || echo rustup)}"
# Our trunk and wasm-bindgen first, then npm's wasm-opt 132 ahead of any older system one.
_mq_path="$TOOLS_ROOT/bin:$_mq_root/tests/e2e/node_modules/.bin"
if [ "$WEB_TOOLCHAIN" = debian ]; then
  _mq_path="$_mq_path:/usr/bin"                       # Debian's cargo must win over rustup's proxies
  export RUSTC=/usr/bin/rustc
  export RUSTC_BOOTSTRAP=1                             # allows build-std on a stable compiler
  export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-19
fi
export PATH="$_mq_path:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver
export WASM_BINDGEN_TEST_WEBDRIVER_JSON="$_mq_root/web/webdriver.json"
export WASM_BINDGEN_TEST_TIMEOUT=60
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
unset _mq_root _mq_path
