// Every call of a strategy from a case process goes through here. A normal
// build adds nothing; a build configured with MEMBENCH_INJECT_* (CMake
// options, used by `make gate-accuracy`) adds a known regression to every
// strategy, so the gate's detection rate is measured on real rebuilt binaries
// instead of on hand-patched sources. One injection is read at run time
// instead: MEMBENCH_INJECT_RSS_PER_INPUT_BYTE, memory that grows with the input
// (the test that the shipped budgets fail such a build; docs/budgets.md).
#pragma once

#include <cstdint>
#include <string>

#include "core/strategy.h"

namespace membench::runner {

std::uint64_t run_strategy(const Strategy& strategy, const Input& input, const Params& params, OutputSink& sink);

// "" for a normal build, else what this build adds (e.g. "time +10%"); the
// report's context names it, so an injected build is never mistaken for a
// real one.
std::string injected_regression();

}  // namespace membench::runner
