// Planning a run (plan.cpp): which cases the options select, in a stable
// order, and the datasets they need.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "runner/runner.h"

namespace membench::runner {

// Throws UsageError for bad options (unknown dataset, invalid regex, a
// filter matching nothing, an unusable user file).
std::vector<PlannedCase> plan_cases(const RunOptions& options);

// Generates missing datasets and fills in each case's dataset_path.
void materialise_datasets(std::vector<PlannedCase>& cases,
                          const std::function<void(const std::string&)>& on_generate);

}  // namespace membench::runner
