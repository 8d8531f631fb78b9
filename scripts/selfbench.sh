#!/usr/bin/env bash
# make selfbench: the harness's own performance figures (see README).
set -euo pipefail
build=${1:-build}
exec "$build/membench" __selfbench --work "$build/selfbench"
