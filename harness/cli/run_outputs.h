// The optional outputs of `run` beside its JSON report (HTML, Google
// Benchmark JSON), each written atomically.
#pragma once

#include <optional>
#include <string>

#include "report/model.h"

namespace membench::cli {

void write_run_outputs(const report::Report& report, const std::optional<std::string>& html_path,
                       const std::optional<std::string>& gbench_json_path);

}  // namespace membench::cli
