#!/usr/bin/env bash
# Nightly benchmark: measures this build against the baseline build in one
# session with `membench ab` (each case's timed processes interleaved and
# paired, so the machine's drift between nights cannot pass for a change),
# keeps the head report in reports/history/<UTC time>.json, and renders the
# trend page reports/trend.html from that history, with its change points.
#
#   scripts/nightly.sh            compare with the baseline build
#   scripts/nightly.sh --accept   also make this build the new baseline
#
# The baseline build is MEMBENCH_BASELINE: a membench executable or a git
# revision (built once by `membench ab` in its build cache), by default the
# binary kept in reports/baseline/membench. Without one, this run's binary is
# kept there and the run only starts the history.
#
# With GBENCH=PATH (a Google Benchmark executable, docs/gbench.md) the night
# measures that suite instead: the baseline is the copy of the executable kept
# in reports/baseline/gbench (or MEMBENCH_BASELINE, an executable), compared
# with `membench ab --gbench`, and --accept keeps this executable there.
#
# Exit status is ab's: 0 no regression, 1 a regression, 2 bad input.
# Environment: MEMBENCH (default build/membench), MEMBENCH_TREND_RUNS (how many
# of the newest history reports the trend page shows, default 30) and
# MEMBENCH_RUN_ARGS (options for the cases, e.g. "--quick").
set -euo pipefail
cd "$(dirname "$0")/.."

accept=0
case "${1:-}" in
  --accept) accept=1 ;;
  "") ;;
  *) echo "usage: scripts/nightly.sh [--accept]" >&2; exit 2 ;;
esac

membench=${MEMBENCH:-build/membench}
gbench=${GBENCH:-}
# What a night compares: membench builds, or builds of the user's suite.
if [[ -n $gbench ]]; then
  if [[ ! -x $gbench || -d $gbench ]]; then
    echo "nightly: GBENCH=$gbench is not an executable file" >&2
    exit 2
  fi
  measured=$gbench
  kept=reports/baseline/gbench
  first_run=(run --gbench "$gbench")
  compare_with=(ab --gbench)
else
  measured=$membench
  kept=reports/baseline/membench
  first_run=(run)
  compare_with=(ab)
fi
baseline=${MEMBENCH_BASELINE:-$kept}
history_dir=reports/history
trend_runs=${MEMBENCH_TREND_RUNS:-30}

if [[ ! -x $membench ]]; then
  echo "nightly: $membench not found; build first (make build)" >&2
  exit 2
fi
mkdir -p "$history_dir" reports/baseline
stamp=$(date -u +%Y%m%dT%H%M%SZ)
report="$history_dir/$stamp.json"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

render_trend() {
  shopt -s nullglob
  local history=("$history_dir"/*.json)
  shopt -u nullglob
  if (( ${#history[@]} > trend_runs )); then
    history=("${history[@]: -$trend_runs}")
  fi
  "$membench" report "${history[@]}" -o reports/trend.html
}

if [[ $baseline == "$kept" && ! -x $kept ]]; then
  # shellcheck disable=SC2086  # MEMBENCH_RUN_ARGS is a list of words
  "$membench" "${first_run[@]}" --out "$report" ${MEMBENCH_RUN_ARGS:-} || [[ $? -eq 1 ]]
  cp "$measured" "$kept"
  render_trend
  echo "nightly: no baseline build yet; kept this one in $kept and started the history with $report."
  exit 0
fi

status=0
# shellcheck disable=SC2086
"$membench" "${compare_with[@]}" "$baseline" "$measured" ${MEMBENCH_RUN_ARGS:-} --reports "$work" \
  --out reports/nightly-compare.json --markdown reports/nightly-compare.md \
  --html reports/nightly-compare.html || status=$?
if [[ $status -ge 2 || ! -f $work/head.json ]]; then
  echo "nightly: membench ab failed (exit $status)" >&2
  exit 2
fi
cp "$work/head.json" "$report"
render_trend
if [[ $accept -eq 1 ]]; then
  cp "$measured" "$kept"
  echo "nightly: this build is the baseline from now on ($kept)"
fi
echo "nightly: wrote $report; comparison in reports/nightly-compare.{md,html,json}, trend in reports/trend.html"
exit "$status"
