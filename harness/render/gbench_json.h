// The timed results of a report in Google Benchmark's JSON output format, so
// Google Benchmark's own tools (tools/compare.py) can read them.
#pragma once

#include <string>

#include "report/model.h"

namespace membench::render {

// One "iteration" entry per repetition (name = case id) and the mean, median
// and stddev aggregates when there are two or more repetitions. Cases without
// timing (failed, skipped, memory-only) are left out.
std::string gbench_json(const membench::report::Report& report);

}  // namespace membench::render
