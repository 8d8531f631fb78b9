// membench report IN.json [IN2.json ...] [-o OUT.html] [--markdown OUT.md] [--filter REGEX]
#include <algorithm>
#include <cstdio>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/output_checks.h"
#include "cli/output_formats.h"
#include "report/json.h"

namespace membench::cli {
namespace {

// Keeps the cases whose id matches, and the scaling fits of what is kept.
void keep_matching(report::Report& rep, const std::regex& filter) {
  std::erase_if(rep.results, [&](const report::CaseResult& c) { return !std::regex_search(c.id, filter); });
  std::erase_if(rep.scaling, [&](const report::ScalingFit& f) {
    return std::none_of(rep.results.begin(), rep.results.end(), [&](const report::CaseResult& c) {
      return c.workload == f.workload && c.strategy == f.strategy && c.allocator == f.allocator;
    });
  });
}

std::string usage_text() {
  std::string text =
      "usage: membench report IN.json [IN2.json ...] [-o OUT.html] [--markdown OUT.md] [--filter REGEX]\n\n"
      "Renders one report, or a history of reports (oldest first: the last is shown in\n"
      "full, after a trend section over all of them), to one self-contained HTML file;\n"
      "and/or the newest report's results in the other formats.\n\n"
      "options:\n"
      "  -o, --out OUT.html      the page to write (the same as --html)\n";
  for (const OutputFormat& f : output_formats()) {
    char line[256];
    std::snprintf(line, sizeof line, "  --%-21s %s\n", (std::string(f.option) + " FILE").c_str(), f.help);
    text += line;
  }
  text +=
      "                          each file is replaced atomically; - writes one of them to stdout\n"
      "  --filter REGEX          only the cases whose id matches, e.g. '/text-16MiB/'\n"
      "  --help                  show this help\n";
  return text;
}

// The outputs asked for: the registered formats, and -o for the page.
RequestedOutputs report_outputs(const ArgParser& parser) {
  RequestedOutputs outputs = requested_outputs(parser, "report", true);
  if (std::optional<std::string> out = parser.value("out")) {
    if (out->empty()) throw UsageError("report: -o needs a file name");
    if (parser.value("html")) throw UsageError("report: -o and --html both name the page; give one");
    if (*out == "-") throw UsageError("report: -o needs a file name (use --html - for stdout)");
    outputs.files.insert(outputs.files.begin(), {find_output_format("html"), "-o", *out});
  }
  if (outputs.files.empty()) throw UsageError("report: nothing to write: give -o OUT.html and/or --markdown OUT.md");
  return outputs;
}

int run_report(const std::vector<std::string>& args) {
  ArgParser parser("report", "IN.json [IN2.json ...] [-o OUT.html] [--markdown OUT.md] [--filter REGEX]");
  parser.option("out", "the HTML page to write (the same as --html)").alias('o');
  add_output_options(parser);
  parser.option("filter", "only the cases whose id matches (ECMAScript regex)");
  parser.parse(args);
  if (parser.help_requested()) {
    std::printf("%s", usage_text().c_str());
    return 0;
  }
  RequestedOutputs outputs = report_outputs(parser);
  if (parser.positionals().empty()) throw UsageError("report: no input report given (see --help)");
  check_outputs("report", outputs.as_output_args(), parser.positionals());
  outputs.check_writable();
  std::optional<std::regex> filter;
  if (auto f = parser.value("filter")) {
    try {
      filter = std::regex(*f, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      throw UsageError("report: --filter '" + *f + "' is not a valid regular expression (" + e.what() + ")");
    }
  }

  // Read every input before writing anything: bad input leaves no output file.
  std::vector<report::Report> reports;
  for (const std::string& path : parser.positionals()) reports.push_back(report::read_report_file(path));
  if (filter) {
    for (report::Report& r : reports) keep_matching(r, *filter);
    if (reports.back().results.empty())
      throw UsageError("report: --filter '" + *parser.value("filter") + "' matches no case of " +
                       parser.positionals().back());
  }
  std::vector<std::string> written = outputs.write(reports);
  std::size_t cases = reports.back().results.size();
  std::string what = std::to_string(cases) + (cases == 1 ? " case" : " cases");
  if (reports.size() > 1) what += "; the page: a trend over " + std::to_string(reports.size()) + " reports";
  // With a file on stdout, the summary lines go to stderr.
  bool any_stdout = written.size() < outputs.files.size();
  for (const std::string& path : written)
    std::fprintf(any_stdout ? stderr : stdout, "wrote %s (%s)\n", path.c_str(), what.c_str());
  return 0;
}

}  // namespace

MEMBENCH_COMMAND(report, "report", "render reports to one self-contained HTML file", run_report, false);

}  // namespace membench::cli
