#!/usr/bin/env bash
# Nightly benchmark: runs the default suite into reports/history/<UTC time>.json,
# renders the trend page reports/trend.html from that history and compares the
# run with the baseline (reports/baseline.json, or the report given as $1).
#
# Exit status is compare's: 0 no regression, 1 a regression, 2 bad input.
# Without a baseline it says so and exits 0.
#
# Environment: MEMBENCH (default build/membench), MEMBENCH_TREND_RUNS (how many
# of the newest history reports the trend page shows, default 30), and
# MEMBENCH_RUN_ARGS (extra arguments for `membench run`, e.g. "--quick").
set -euo pipefail
cd "$(dirname "$0")/.."

membench=${MEMBENCH:-build/membench}
baseline=${1:-reports/baseline.json}
history_dir=reports/history
trend_runs=${MEMBENCH_TREND_RUNS:-30}

if [[ ! -x $membench ]]; then
  echo "nightly: $membench not found; build first (make build)" >&2
  exit 2
fi
mkdir -p "$history_dir"
report="$history_dir/$(date -u +%Y%m%dT%H%M%SZ).json"

# `run` exits 1 when a case failed but still writes the whole report; the
# comparison below turns an ok -> failed change into a regression.
run_status=0
# shellcheck disable=SC2086  # MEMBENCH_RUN_ARGS is a list of words
"$membench" run --out "$report" ${MEMBENCH_RUN_ARGS:-} || run_status=$?
if [[ $run_status -ge 2 || ! -f $report ]]; then
  echo "nightly: membench run failed (exit $run_status); no report written" >&2
  exit 2
fi
echo "nightly: wrote $report"

# Names are UTC timestamps, so name order is time order.
shopt -s nullglob
history=("$history_dir"/*.json)
shopt -u nullglob
if (( ${#history[@]} > trend_runs )); then
  history=("${history[@]: -$trend_runs}")
fi
"$membench" report "${history[@]}" -o reports/trend.html

if [[ ! -f $baseline ]]; then
  echo "nightly: no baseline at $baseline, nothing to compare against."
  echo "nightly: to start gating, keep a report there: cp $report $baseline"
  exit 0
fi

status=0
"$membench" compare "$baseline" "$report" \
  --markdown reports/nightly-compare.md --html reports/nightly-compare.html || status=$?
echo "nightly: comparison in reports/nightly-compare.{md,html}, trend in reports/trend.html"
exit "$status"
