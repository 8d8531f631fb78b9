# The two commands of the quick start: `make bench` and `make test`.
# Both install what is missing (scripts/install-deps.sh), configure and build.
BUILD ?= build
JOBS ?= $(shell nproc)
MEMBENCH = $(BUILD)/membench
CMAKE_FLAGS ?=

.PHONY: all deps build bench test selfbench gate-accuracy compare heaptrack nightly test-sanitize clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

bench: build
	@mkdir -p reports
	$(MEMBENCH) run --budgets budgets/default.budgets --suppressions budgets/default.supp --out reports/latest.json --html reports/latest.html --markdown reports/latest.md

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600

selfbench: build
	scripts/selfbench.sh $(BUILD)

# The time gate's false-alarm and detection rates on this machine (a
# benchmark: about three and a half hours with the defaults here;
# docs/time-gate.md).
gate-accuracy: deps
	scripts/gate-accuracy.sh

compare: build
	@test -n "$(BASE)" -a -n "$(HEAD)" || { echo "usage: make compare BASE=a.json HEAD=b.json" >&2; exit 2; }
	$(MEMBENCH) compare $(BASE) $(HEAD)

heaptrack: build
	@test -n "$(FILTER)" || { echo "usage: make heaptrack FILTER=regex (e.g. FILTER='^tokenize/std_string/text-1MiB/')" >&2; exit 2; }
	@mkdir -p reports
	$(MEMBENCH) run --heaptrack --filter '$(FILTER)' --out reports/heaptrack.json --html reports/heaptrack.html

nightly: build
	scripts/nightly.sh

test-sanitize: deps
	cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMEMBENCH_SANITIZE=ON
	cmake --build build-sanitize -j $(JOBS)
	cd build-sanitize && ctest --output-on-failure -j $(JOBS) --timeout 900

clean:
	rm -rf $(BUILD) build-sanitize build-gate
