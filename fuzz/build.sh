#!/usr/bin/env bash
# Builds the report-reader fuzz target with clang's libFuzzer, outside the
# main CMake project: only the reader (harness/report/json.cpp) and what it
# uses are compiled in. Usage: fuzz/build.sh [OUT_DIR] (default build-fuzz/).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/build-fuzz}"
cxx="${FUZZ_CXX:-}"
if [[ -z "$cxx" ]]; then
  for c in clang++-14 clang++; do
    if command -v "$c" >/dev/null; then cxx="$c"; break; fi
  done
fi
if [[ -z "$cxx" ]]; then
  echo "fuzz/build.sh: clang++ not found; install it with: scripts/install-deps.sh" >&2
  exit 2
fi
mkdir -p "$out"
flags=(-std=c++20 -g -O1 -fno-omit-frame-pointer
       -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
       -I"$root/harness")
"$cxx" "${flags[@]}" \
  "$root/fuzz/report_reader_fuzz.cpp" \
  "$root/harness/report/json.cpp" \
  "$root/harness/report/sites.cpp" \
  "$root/harness/util/atomic_file.cpp" \
  "$root/harness/util/read_file.cpp" \
  -o "$out/report_reader_fuzz.tmp"
mv "$out/report_reader_fuzz.tmp" "$out/report_reader_fuzz"
echo "$out/report_reader_fuzz"
