#!/usr/bin/env bash
# Prints the benchmark figures (a program that prints figures, not a timed test):
#   - the bare discrete-event loop's events/s, natively and in wasm (the speed reference);
#   - the simulator on the bench scenario at 10^5 and 10^6 records: records/s, events/s, seek
#     latency p50/p99 over 1 000 random seeks, checkpoints, peak heap bytes, natively and in wasm
#     (wasm32-wasip1 under Node's WASI);
#   - a RabbitMQ script at the document limit (rabbit_bench): copies/s, seek p50/p99, peak heap;
#   - 10^6 timer tasks on each wheel design (delay_bench): tasks/s, seek p50/p99, peak heap;
#   - RocketMQ at its message limit (rocket_bench): messages/s, seek p50/p99, peak heap;
#   - Kafka's four client assignors on 100 partitions x 1 000 members and at the lab's limits
#     (assign_bench): wall ms per assignor;
#   - the costliest document validation admits, run to its end (wall time against the budget);
#   - the ratios the Kernel 2 issue sets targets for: simulator records/s over bare-loop events/s
#     (>= 0.35), and wasm over native records/s (>= 0.5);
#   - the gzip size of every file in dist/ (run `trunk build --release` first, or let this do it);
#   - the page in Chromium (tests/e2e/measure.mjs): first render, fps during a lesson step and 1 000 records.
# Machines here are shared and noisy: each throughput figure is the median of BENCH_RUNS (5) runs.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/env.sh"
cd "$ROOT"
RUNS="${BENCH_RUNS:-5}"
native() { env -u CARGO_UNSTABLE_BUILD_STD -u RUSTC_BOOTSTRAP "$@"; }
native cargo build -q --profile speed -p mqplay-core --example bench --example bare_loop
wasm=
if rustup target list --installed 2>/dev/null | grep -qx wasm32-wasip1 || timeout 300 rustup target add wasm32-wasip1 >/dev/null 2>&1; then
  native cargo build -q --profile speed -p mqplay-core --example bench --example bare_loop --target wasm32-wasip1
  wasm=1
fi
run_native() { "$ROOT/target/speed/examples/$1" "${@:2}"; }
run_wasm() { node --no-warnings "$ROOT/scripts/run-wasi.mjs" "$ROOT/target/wasm32-wasip1/speed/examples/$1.wasm" "${@:2}"; }
# median <field> <command...>: the run whose <field> is the median of $RUNS runs.
median() {
  local field=$1; shift
  local out=() i
  for ((i = 0; i < RUNS; i++)); do out+=("$("$@")"); done
  printf '%s\n' "${out[@]}" | python3 -c 'import json,sys; rows=sorted((json.loads(l) for l in sys.stdin), key=lambda r: r[sys.argv[1]]); print(json.dumps(rows[len(rows) // 2]))' "$field"
}
declare -A R
echo "== bare event loop (events/s, median of $RUNS)"
R[bare_native]=$(median events_per_second run_native bare_loop); echo "native: ${R[bare_native]}"
[ -n "$wasm" ] && { R[bare_wasm]=$(median events_per_second run_wasm bare_loop); echo "wasm:   ${R[bare_wasm]}"; }
for n in 100000 1000000; do
  echo "== simulator, $n records (median of $RUNS for throughput; the seeks run once, first)"
  R[sim_native_$n]=$(run_native bench "$n" 1000); echo "native: ${R[sim_native_$n]}"
  R[tp_native_$n]=$(median records_per_second run_native bench "$n" 0)
  echo "native throughput: ${R[tp_native_$n]}"
  if [ -n "$wasm" ]; then
    R[sim_wasm_$n]=$(run_wasm bench "$n" 1000); echo "wasm:   ${R[sim_wasm_$n]}"
    R[tp_wasm_$n]=$(median records_per_second run_wasm bench "$n" 0)
    echo "wasm throughput: ${R[tp_wasm_$n]}"
  fi
done
echo "== RabbitMQ at the document limit: 20 000 messages, 100 000 copies, 200 seeks (median of $RUNS)"
native cargo build -q --profile speed -p mqplay-core --example rabbit_bench
echo "native: $(median copies_per_second run_native rabbit_bench)"
if [ -n "$wasm" ]; then
  native cargo build -q --profile speed -p mqplay-core --example rabbit_bench --target wasm32-wasip1
  echo "wasm:   $(median copies_per_second run_wasm rabbit_bench)"
fi
echo "== timer lab: 10^6 tasks on Kafka's wheel and on Netty's, 200 seeks (run once each)"
native cargo build -q --profile speed -p mqplay-core --example delay_bench
echo "native hierarchical: $(run_native delay_bench)"
echo "native simple:       $(run_native delay_bench 1000000 simple)"
echo "== RocketMQ at the document limit: 10 000 messages, retries, an orderly and a broadcasting group, 200 seeks (run once)"
echo "== Kafka's client assignors (assign_bench): wall ms, median of 5"
native cargo build -q --profile speed -p mqplay-core --example assign_bench
run_native assign_bench
native cargo build -q --profile speed -p mqplay-core --example rocket_bench
echo "native: $(run_native rocket_bench)"
echo "== the costliest valid document (bench worst: the budget's worst case, run once)"
echo "native: $(run_native bench worst)"
[ -n "$wasm" ] && echo "wasm:   $(run_wasm bench worst)"
python3 - "${R[bare_native]}" "${R[tp_native_1000000]}" "${R[bare_wasm]:-}" "${R[tp_wasm_1000000]:-}" <<'EOF'
import json, sys
bare, sim = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print("== ratios at 10^6 records")
print(f"native: {sim['records_per_second']:,.0f} records/s / {bare['events_per_second']:,.0f} bare events/s = {sim['records_per_second'] / bare['events_per_second']:.2f} (target >= 0.35)")
if sys.argv[3]:
    bw, sw = json.loads(sys.argv[3]), json.loads(sys.argv[4])
    print(f"wasm:   {sw['records_per_second']:,.0f} records/s / {bw['events_per_second']:,.0f} bare events/s = {sw['records_per_second'] / bw['events_per_second']:.2f}")
    print(f"wasm / native records/s: {sw['records_per_second'] / sim['records_per_second']:.2f} (target >= 0.5); bare loop wasm / native: {bw['events_per_second'] / bare['events_per_second']:.2f}")
EOF
[ -d dist ] || trunk build --release >/dev/null
echo "== dist (gzip -9 bytes)"
total=0
for f in dist/*; do
  size=$(gzip -9 -c "$f" | wc -c)
  total=$((total + size))
  printf '%8d  %s (raw %d)\n' "$size" "$(basename "$f")" "$(wc -c < "$f")"
done
printf '%8d  total\n' "$total"
echo "== the page in Chromium: first render, fps while a lesson step plays and while 1 000 records flow"
if [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  DIST_DIR="$ROOT/dist" node "$ROOT/tests/e2e/measure.mjs"
else
  echo "skipped: no Chromium at ${CHROMIUM:-/usr/bin/chromium}"
fi
