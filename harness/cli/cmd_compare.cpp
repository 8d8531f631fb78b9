// membench compare BASE.json HEAD.json [--thresholds F.json] [--markdown F.md] [--html F.html]
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "analyze/compare.h"
#include "analyze/budgets.h"
#include "cli/budget_options.h"
#include "cli/command.h"
#include "cli/comparison_output.h"
#include "cli/output_checks.h"
#include "render/html.h"
#include "report/json.h"
#include "util/atomic_file.h"

namespace membench::cli {
namespace {

int run_compare(const std::vector<std::string>& args) {
  ArgParser parser("compare", "BASE.json HEAD.json [--thresholds F.json] [--markdown F.md] [--html F.html]");
  parser.option("thresholds", "per-metric and per-case thresholds (JSON, format below)");
  parser.option("markdown", "also write a Markdown summary (for a pull-request comment)");
  parser.option("html", "also write one self-contained HTML page");
  parser.option("out", "also write the comparison as JSON (verdicts, values, intervals, p-values)");
  add_budget_options(parser);
  parser.parse(args);
  if (parser.help_requested()) {
    std::printf("%s\nCompares two reports case by case. Allocation figures are exact: any increase\n"
                "regresses. Time and throughput are judged on each side's per-process medians: beyond\n"
                "5%% and the case's noise floor, with >= 5 timed processes per side and a Mann-Whitney\n"
                "U test at p < 0.05; peak RSS beyond 5%% and 256 KiB. Two reports taken at different\n"
                "times carry the drift between them: time is judged only where both runs' real time\n"
                "stood alike against their CPU time (neither waited for a busy machine more than the\n"
                "other), and a gate on this machine's time is meant for membench ab.\n"
                "A case going from ok to another status regresses; cases on one side only are\n"
                "listed, not judged. With --budgets, HEAD's cases are also judged against absolute\n"
                "limits (no baseline needed) and a case over one exits 1 too.\n\n"
                "Exit: 0 no regression, 1 regression or over budget, 2 bad usage or input.\n\n%s\n%s",
                parser.help_text().c_str(), analyze::compare_thresholds_format(), analyze::budgets_format_help());
    return 0;
  }
  const std::vector<std::string>& files = parser.positionals();
  if (files.size() != 2)
    throw UsageError("compare: expected BASE.json and HEAD.json, got " + std::to_string(files.size()) +
                     " file(s) (see --help)");

  std::vector<NamedPath> thresholds_input = budget_input_files(parser);
  if (auto t = parser.value("thresholds")) thresholds_input.push_back({"--thresholds", *t});
  check_outputs("compare",
                {{"--out", parser.value("out")}, {"--markdown", parser.value("markdown")}, {"--html", parser.value("html")}},
                files, thresholds_input);

  analyze::Thresholds thresholds;
  if (auto path = parser.value("thresholds")) {
    try {
      thresholds = analyze::read_thresholds_file(*path);
    } catch (const analyze::ThresholdError& e) {
      throw UsageError(e.what());
    }
  }
  const report::Report base = report::read_report_file(files[0]);
  report::Report head = report::read_report_file(files[1]);
  const std::optional<analyze::BudgetRules> budgets = budget_rules(parser);
  if (budgets) analyze::judge_budgets(head, *budgets);
  analyze::Comparison comparison = analyze::compare_reports(base, head, thresholds);
  if (comparison.cases.empty())
    throw UsageError(files[1] + ": shares no case with " + files[0] + " (nothing to compare)");
  comparison.base_label = files[0];
  comparison.head_label = files[1];

  return emit_comparison(comparison, parser, budgets ? &head : nullptr);
}

}  // namespace

MEMBENCH_COMMAND(compare, "compare", "compare two reports; exit 1 on a regression", run_compare, false);

}  // namespace membench::cli
