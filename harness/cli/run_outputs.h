// The optional outputs of `run` beside its JSON report (HTML, Markdown,
// Google Benchmark JSON), each written atomically.
#pragma once

#include <optional>
#include <string>

#include "report/model.h"

namespace membench::cli {

struct RunOutputs {
  std::optional<std::string> html, markdown, gbench_json;
};

void write_run_outputs(const report::Report& report, const RunOutputs& outputs);

}  // namespace membench::cli
