#!/usr/bin/env bash
# make selfbench: the harness's own performance figures (docs/selfbench.md).
set -euo pipefail
build=${1:-build}
exec "$build/membench" __selfbench --work "$build/selfbench"
