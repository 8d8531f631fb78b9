#!/usr/bin/env bash
# Fuzzes the report reader for SECONDS (default 60), starting from the seed
# corpus in fuzz/corpus/. New interesting inputs go to OUT_DIR/corpus (the
# checked-in seeds are not modified); a crashing input is written to
# OUT_DIR/crash-* and the script exits non-zero. Copy such an input into
# fuzz/regressions/ and fix the reader: the unit tests replay that directory.
# Usage: fuzz/run.sh [SECONDS] [OUT_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-60}"
out="${2:-$root/build-fuzz}"
"$root/fuzz/build.sh" "$out" >/dev/null
mkdir -p "$out/corpus"
# -rss_limit_mb and -timeout bound one input; -max_len covers the real reports.
"$out/report_reader_fuzz" "$out/corpus" "$root/fuzz/corpus" \
  -dict="$root/fuzz/report.dict" \
  -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$out/" -print_final_stats=1
