// Report <-> JSON (nlohmann_json), and reading/writing report files.
#pragma once

#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "report/model.h"

namespace membench::report {

// Thrown for a file that is not a valid membench report; what() is one line
// naming the file and the problem.
class ReportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

nlohmann::json to_json(const Report& report);
// Validates while reading: schema, required fields, finite non-negative figures.
Report from_json(const nlohmann::json& j, const std::string& source = "report");

Report read_report_file(const std::string& path);
// Atomic: written to a temporary file beside `path`, then renamed.
void write_report_file(const Report& report, const std::string& path);

}  // namespace membench::report
