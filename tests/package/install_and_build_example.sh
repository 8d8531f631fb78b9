#!/usr/bin/env bash
# Installs membench into a scratch prefix, builds examples/custom_workload
# against the installed package, and runs the example's own workload.
set -euo pipefail
build_dir=$1 source_dir=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cmake -S "$source_dir/examples/custom_workload" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" >/dev/null
exe="$work/build/line_stats"
"$exe" list | grep -q '^line_stats:'
printf 'one\nthree three\n\nfive\n' >"$work/input.txt"
"$exe" run --filter '^line_stats/' --dataset "$work/input.txt" --repetitions 1 --min-time 0.01 \
  --out "$work/report.json" >/dev/null 2>"$work/run.err" || { cat "$work/run.err" >&2; exit 1; }
# Both strategies ran, agreed on the output, and the scan allocated nothing.
grep -q '"id": "line_stats/copy_lines/file:input.txt/glibc"' "$work/report.json"
grep -q '"id": "line_stats/scan_lines/file:input.txt/glibc"' "$work/report.json"
if grep -q '"status": "mismatch"' "$work/report.json"; then echo "digests differ" >&2; exit 1; fi
"$exe" compare "$work/report.json" "$work/report.json" >/dev/null
echo "package example: ok"
