#!/usr/bin/env bash
# make gate-accuracy: how far the time gate can be trusted on this machine.
# A benchmark, not a test: it takes long and its figures belong in docs/time-gate.md.
#
#  1. builds membench once more (build-gate/, the membench target) and, by
#     reconfiguring only the injected-regression options (MEMBENCH_INJECT_*,
#     one source file recompiles), five builds with a known regression:
#     time +10%, time +5%, +1 allocation per run, +256 KiB of resident pages,
#     240 loop turns per KiB of input (a fixed instruction count, 1% or more of
#     every quick-suite case's instructions);
#  2. times one `membench run` of the suite (the cost reference);
#  3. A/A: `membench ab` of the normal build against itself, TRIALS times;
#     consecutive A/A base reports, taken minutes apart, also give the
#     unpaired `compare` false-alarm rate;
#  4. detection: `membench ab` of the normal build against each injected one
#     (DETECT_TRIALS for +10% time, TIME5_TRIALS for +5%, EXACT_TRIALS for
#     allocations and RSS);
#  5. cachegrind: `run --cachegrind` of the normal build EXACT_TRIALS times
#     (A/A: instruction counts must agree exactly) and of the instruction
#     build (the change must show in every case);
#  6. prints the table per workload (scripts/gate_accuracy_summary.py) and
#     writes it to OUT/summary.md.
#
# Environment: TRIALS (default 20), DETECT_TRIALS (20), TIME5_TRIALS (as
# DETECT_TRIALS), EXACT_TRIALS (3),
# GATE_SUITE (run options choosing the cases, default "--quick"),
# AB_OPTIONS (further options of every ab, e.g. "--pairs 16"),
# GATE_OUT (default reports/gate-accuracy), GATE_BUILD (default build-gate),
# LOAD=1: measure with another job beside it, the way a shared CI runner is
# busy: this script starts a `-j2` build of membench's own tree (tests
# included, compiler cache off) in GATE_OUT/load-build, over and over, and
# stops it when it ends (docs/time-gate.md). Point GATE_OUT elsewhere for the
# loaded figures, e.g. LOAD=1 GATE_OUT=reports/gate-accuracy-load.
set -euo pipefail
cd "$(dirname "$0")/.."

trials=${TRIALS:-20}
detect_trials=${DETECT_TRIALS:-20}
exact_trials=${EXACT_TRIALS:-3}
read -r -a suite <<<"${GATE_SUITE:---quick}"
read -r -a ab_options <<<"${AB_OPTIONS:-}"
out=${GATE_OUT:-reports/gate-accuracy}
build=${GATE_BUILD:-build-gate}
bin=$out/bin
mkdir -p "$out" "$bin"

load_pid=
stop_load() {
  if [[ -n "$load_pid" ]]; then
    kill -- "-$load_pid" 2>/dev/null || true
    wait "$load_pid" 2>/dev/null || true
  fi
}
start_load() {
  local tree=$out/load-build
  echo "gate-accuracy: LOAD=1: a -j2 build of this tree runs beside every step, in $tree" >&2
  set -m  # the load loop gets a process group of its own, stopped as one
  (
    while :; do
      rm -rf "$tree"
      cmake -S . -B "$tree" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null 2>&1 || exit 1
      CCACHE_DISABLE=1 cmake --build "$tree" -j2 >/dev/null 2>&1 || true
    done
  ) &
  load_pid=$!
  set +m
  trap stop_load EXIT
  echo "load: a -j2 build of membench, restarted when it ends" >"$out/load.txt"
}

build_variant() {  # name time% allocations rss-KiB loop-turns-per-KiB
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMEMBENCH_TESTS=OFF \
    -DMEMBENCH_INJECT_TIME_PERCENT="$2" -DMEMBENCH_INJECT_ALLOCATIONS="$3" -DMEMBENCH_INJECT_RSS_KIB="$4" \
    -DMEMBENCH_INJECT_LOOPS_PER_KIB="$5" >/dev/null
  cmake --build "$build" --target membench >/dev/null
  cp "$build/membench" "$bin/membench-$1"
}
echo "gate-accuracy: building the normal build and four with an injected regression in $build" >&2
build_variant time10 10 0 0 0
build_variant time5 5 0 0 0
build_variant alloc1 0 1 0 0
build_variant rss256 0 0 256 0
build_variant instr 0 0 0 240
build_variant base 0 0 0 0  # last, so the build directory ends as a normal build
base=$bin/membench-base
if [[ "${LOAD:-0}" == 1 ]]; then start_load; fi

millis() { echo $(($(date +%s%N) / 1000000)); }
if [[ ! -s "$out/run.json" ]]; then
  start=$(millis)
  "$base" run "${suite[@]}" --out "$out/run.json" >/dev/null 2>&1 || [[ $? -eq 1 ]]
  echo "run $(($(millis) - start))" >>"$out/costs.txt"
fi

ab() {  # label head-binary trial
  local dir=$out/$1-$3
  local t0
  t0=$(millis)
  "$base" ab "$base" "$2" "${suite[@]}" "${ab_options[@]}" --out "$dir.json" --reports "$dir" >"$dir.txt" 2>"$dir.log" ||
    [[ $? -eq 1 ]] || { echo "gate-accuracy: ab $1 trial $3 failed (see $dir.log)" >&2; exit 2; }
  echo "ab-$1 $(($(millis) - t0))" >>"$out/costs.txt"
}

# Trials of every kind are interleaved, so a slow hour of the host weighs on
# all of them alike; a trial whose result exists is kept, so an interrupted
# measurement resumes where it stopped.
trial() {  # label head-binary trial
  [[ -s "$out/$1-$3.json" ]] && return 0
  echo "gate-accuracy: $1 trial $3" >&2
  ab "$@"
}
most=$((trials > detect_trials ? trials : detect_trials))
most=$((most > exact_trials ? most : exact_trials))
for ((t = 1; t <= most; t++)); do
  if ((t <= trials)); then
    trial aa "$base" "$t"
    if ((t > 1)) && [[ ! -s "$out/unpaired-$t.json" ]]; then
      "$base" compare "$out/aa-$((t - 1))/base.json" "$out/aa-$t/base.json" --out "$out/unpaired-$t.json" \
        >/dev/null 2>&1 || [[ $? -eq 1 ]]
    fi
  fi
  if ((t <= detect_trials)); then
    trial time10 "$bin/membench-time10" "$t"
    if ((t <= ${TIME5_TRIALS:-$detect_trials})); then trial time5 "$bin/membench-time5" "$t"; fi
  fi
  if ((t <= exact_trials)); then
    for kind in alloc1 rss256; do trial "$kind" "$bin/membench-$kind" "$t"; done
  fi
done
# Cachegrind's figures are exact: an A/A pair of runs must agree on every
# instruction count, and an injected instruction change must always show.
cachegrind_run() {  # label binary trial
  local report=$out/cg-$1-$3.json
  [[ -s "$report" ]] && return 0
  echo "gate-accuracy: cachegrind $1 trial $3" >&2
  "$2" run "${suite[@]}" --phases count --cachegrind --out "$report" >/dev/null 2>&1 || [[ $? -eq 1 ]]
}
if command -v valgrind >/dev/null; then
  for ((t = 1; t <= exact_trials; t++)); do
    cachegrind_run base "$base" "$t"
    cachegrind_run instr "$bin/membench-instr" "$t"
    if ((t > 1)); then
      "$base" compare "$out/cg-base-1.json" "$out/cg-base-$t.json" --out "$out/cg-aa-$t.json" >/dev/null 2>&1 ||
        [[ $? -eq 1 ]]
    fi
    "$base" compare "$out/cg-base-$t.json" "$out/cg-instr-$t.json" --out "$out/cg-detect-$t.json" >/dev/null 2>&1 ||
      [[ $? -eq 1 ]]
  done
fi
{
  python3 scripts/gate_accuracy_summary.py "$out"
  python3 scripts/cachegrind_gate_summary.py "$out"
} | tee "$out/summary.md"
