#!/usr/bin/env bash
# Prints the benchmark figures: events/s natively and in wasm (Node's WASI), their ratio, and the
# gzip size of every file in dist/ (run `trunk build --release` first, or let this script do it).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/env.sh"
cd "$ROOT"
echo "== native"
native=$(env -u CARGO_UNSTABLE_BUILD_STD cargo run -q --profile speed -p mqplay-core --example bench)
echo "$native"
wasm=
if rustup target list --installed 2>/dev/null | grep -qx wasm32-wasip1 || timeout 300 rustup target add wasm32-wasip1 >/dev/null 2>&1; then
  echo "== wasm32-wasip1 in Node $(node --version)"
  env -u CARGO_UNSTABLE_BUILD_STD cargo build -q --profile speed -p mqplay-core --example bench --target wasm32-wasip1
  wasm=$(node --no-warnings "$ROOT/scripts/run-wasi.mjs" "$ROOT/target/wasm32-wasip1/speed/examples/bench.wasm")
  echo "$wasm"
else
  echo "== wasm: the wasm32-wasip1 target is not available here; skipped"
fi
if [ -n "$wasm" ]; then
  python3 -c "import json,sys; n=json.loads(sys.argv[1]); w=json.loads(sys.argv[2]); print(f'native/wasm events-per-second ratio: {n[\"events_per_second\"]/w[\"events_per_second\"]:.2f}')" "$native" "$wasm"
fi
[ -d dist ] || trunk build --release >/dev/null
echo "== dist (gzip -9 bytes)"
total=0
for f in dist/*; do
  size=$(gzip -9 -c "$f" | wc -c)
  total=$((total + size))
  printf '%8d  %s (raw %d)\n' "$size" "$(basename "$f")" "$(wc -c < "$f")"
done
printf '%8d  total\n' "$total"
