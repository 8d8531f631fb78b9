// membench report IN.json [IN2.json ...] [-o OUT.html] [--markdown OUT.md] [--filter REGEX]
#include <algorithm>
#include <cstdio>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/output_checks.h"
#include "render/html.h"
#include "render/markdown.h"
#include "report/json.h"
#include "util/atomic_file.h"

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

int run_report(const std::vector<std::string>& args) {
  ArgParser parser("report", "IN.json [IN2.json ...] [-o OUT.html] [--markdown OUT.md] [--filter REGEX]");
  parser.option("out", "the HTML file to write (one self-contained page)").alias('o');
  parser.option("markdown", "also (or only) write the newest report's results as Markdown tables");
  parser.option("filter", "only the cases whose id matches (ECMAScript regex)");
  parser.parse(args);
  if (parser.help_requested()) {
    std::printf(
        "usage: membench report IN.json [IN2.json ...] [-o OUT.html] [--markdown OUT.md] [--filter REGEX]\n\n"
        "Renders one report, or a history of reports (oldest first: the last is shown in\n"
        "full, after a trend section over all of them), to one self-contained HTML file;\n"
        "and/or the newest report's results as Markdown: one table per workload, dataset\n"
        "and allocator, each strategy beside the workload's reference strategy.\n\n"
        "options:\n"
        "  -o, --out OUT.html      the page to write (replaced atomically)\n"
        "  --markdown OUT.md       the Markdown tables (replaced atomically; - for stdout)\n"
        "  --filter REGEX          only the cases whose id matches, e.g. '/text-16MiB/'\n"
        "  --help                  show this help\n");
    return 0;
  }
  std::optional<std::string> out = parser.value("out");
  std::optional<std::string> markdown = parser.value("markdown");
  if (out && out->empty()) throw UsageError("report: -o needs a file name");
  if (markdown && markdown->empty()) throw UsageError("report: --markdown needs a file name (or -)");
  if (!out && !markdown) throw UsageError("report: nothing to write: give -o OUT.html and/or --markdown OUT.md");
  if (out && markdown && *out == *markdown) throw UsageError("report: -o and --markdown name the same file " + *out);
  if (parser.positionals().empty()) throw UsageError("report: no input report given (see --help)");
  check_outputs("report", {{"-o", out}, {"--markdown", markdown == "-" ? std::nullopt : markdown}},
                parser.positionals());
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
  // Render everything first too: a failure leaves neither file half done.
  std::optional<std::string> markdown_text, html_text;
  if (markdown) markdown_text = render::results_markdown(reports.back());
  // The heaptrack files the newest report names (stacks, recordings) are read
  // here; the renderer only presents what it is given.
  if (out) html_text = render::html_report(reports, render::read_attachments(reports.back(), *out));
  std::size_t cases = reports.back().results.size();
  std::string what = std::to_string(cases) + (cases == 1 ? " case" : " cases");
  // With the tables on stdout, the summary lines go to stderr.
  std::FILE* said = markdown == "-" ? stderr : stdout;
  if (markdown == "-") {
    std::fwrite(markdown_text->data(), 1, markdown_text->size(), stdout);
  } else if (markdown) {
    write_file_atomically(*markdown, *markdown_text);
    std::fprintf(said, "wrote %s (%s)\n", markdown->c_str(), what.c_str());
  }
  if (out) {
    write_file_atomically(*out, *html_text);
    if (reports.size() > 1) what += ", trend over " + std::to_string(reports.size()) + " reports";
    std::fprintf(said, "wrote %s (%s)\n", out->c_str(), what.c_str());
  }
  return 0;
}

}  // namespace

MEMBENCH_COMMAND(report, "report", "render reports to one self-contained HTML file", run_report, false);

}  // namespace membench::cli
