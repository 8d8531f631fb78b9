// A report in the Bencher Metric Format (run --bmf, ab --bmf; docs/budgets.md,
// "Export to Bencher"): one benchmark per case, named by its id, one measure
// per catalogue metric the case has, named as the report names it.
#pragma once

#include <string>

#include "report/model.h"

namespace membench::render {

// Completed cases only (a failed case has no figures to track). Time and the
// throughputs carry lower_value and upper_value: the lowest and highest
// per-process median, when the case ran at least two timed processes.
std::string bmf_json(const membench::report::Report& report);

}  // namespace membench::render
