// membench report IN.json [IN2.json ...] -o OUT.html
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "cli/command.h"
#include "render/html.h"
#include "report/json.h"
#include "util/atomic_file.h"

namespace membench::cli {
namespace {

int run_report(const std::vector<std::string>& args) {
  ArgParser parser("report", "IN.json [IN2.json ...] -o OUT.html");
  parser.option("o", "the HTML file to write (one self-contained page)");
  parser.option("out", "same as -o");
  // ArgParser knows long options only; "-o" is the contract's spelling.
  std::vector<std::string> rewritten;
  for (const std::string& a : args) {
    if (a == "-o") rewritten.push_back("--o");
    else rewritten.push_back(a);
  }
  parser.parse(rewritten);
  if (parser.help_requested()) {
    std::printf(
        "usage: membench report IN.json [IN2.json ...] -o OUT.html\n\n"
        "Renders one report, or a history of reports (oldest first: the last is shown in\n"
        "full, after a trend section over all of them), to one self-contained HTML file.\n\n"
        "options:\n"
        "  -o, --out OUT.html      the page to write (replaced atomically)\n"
        "  --help                  show this help\n");
    return 0;
  }
  if (parser.has("o") && parser.has("out")) throw UsageError("report: give -o or --out, not both");
  std::optional<std::string> out = parser.has("o") ? parser.value("o") : parser.value("out");
  if (!out || out->empty()) throw UsageError("report: -o OUT.html is required (see --help)");
  if (parser.positionals().empty()) throw UsageError("report: no input report given (see --help)");

  // Read every input before writing anything: bad input leaves no output file.
  std::vector<report::Report> reports;
  for (const std::string& path : parser.positionals()) reports.push_back(report::read_report_file(path));
  // The heaptrack files the newest report names (stacks, recordings) are read
  // here; the renderer only presents what it is given.
  write_file_atomically(*out, render::html_report(reports, render::read_attachments(reports.back(), *out)));
  std::size_t cases = reports.back().results.size();
  std::printf("wrote %s (%zu case%s%s)\n", out->c_str(), cases, cases == 1 ? "" : "s",
              reports.size() > 1 ? (", trend over " + std::to_string(reports.size()) + " reports").c_str() : "");
  return 0;
}

}  // namespace

MEMBENCH_COMMAND(report, "report", "render reports to one self-contained HTML file", run_report, false);

}  // namespace membench::cli
