#!/usr/bin/env bash
# Installs the Debian packages membench needs to build, test and benchmark.
# Idempotent: quiet when everything is present. Exit 2 when something is
# missing and we are not root (we cannot install it).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libbenchmark-dev libgtest-dev googletest
  libjemalloc-dev libjemalloc2 libtcmalloc-minimal4 libmimalloc2.0
  libboost-container-dev
  nlohmann-json3-dev
  libssl-dev openssl
  valgrind  # run --cachegrind: instructions and simulated cache misses
  libdw-dev  # allocation sites: the runner symbolizes stacks with elfutils' libdw (loaded when used)
  heaptrack zstd  # heaptrack compresses its recordings with zstd when it is there, else gzip
  time coreutils
  chromium
  clang libclang-rt-14-dev  # fuzz/build.sh: clang++ and its libFuzzer runtime
  libbenchmark-tools python3-scipy  # Google Benchmark's compare.py, run on --gbench-json by a test
  python3-yaml  # tests/workflow: checks the example GitHub Actions workflow
  nodejs  # tests/js: the page script's functions and the web assets, under node --test
  python3-jsonschema  # tests/schema: validates reports against docs/report.schema.json
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing Debian packages (${missing[*]}); run as root: sudo $0" >&2
  exit 2
fi

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# A fresh machine has no package lists yet; refresh them once if the install fails.
if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
