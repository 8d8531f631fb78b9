// Report <-> JSON (nlohmann_json), and reading/writing report files. Every
// field, its unit and its meaning: docs/report-format.md; the JSON Schema that
// holds both versions: docs/report.schema.json.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "report/model.h"
#include "util/read_file.h"

namespace membench::report {

// Thrown for a file that is not a valid membench report; what() is one line
// naming the file and the problem.
class ReportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

nlohmann::json to_json(const Report& report);
// A case's budget verdicts as the report holds them (docs/report-format.md, "budget").
nlohmann::json budget_to_json(const BudgetOutcome& budget);
// Validates while reading: schema, required fields, finite non-negative
// figures, each case id once.
Report from_json(const nlohmann::json& j, const std::string& source = "report");

// The largest report file read_report_file accepts (512 MiB); a larger one,
// or anything but a regular file (FIFO, device, directory), is a ReportError
// before anything is parsed.
inline constexpr std::uint64_t kMaxReportFileBytes = kMaxInputFileBytes;

Report read_report_file(const std::string& path);
// Atomic: written to a temporary file beside `path`, then renamed.
void write_report_file(const Report& report, const std::string& path);

// A short text from a report context: the first present of `keys` (strings,
// numbers or arrays of strings, joined by spaces), or "".
std::string context_text(const nlohmann::json& context, std::initializer_list<const char*> keys);

}  // namespace membench::report
