#include "cli/comparison_output.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "analyze/budgets.h"
#include "render/budget_text.h"
#include "render/compare_text.h"
#include "render/html.h"
#include "report/json.h"
#include "util/atomic_file.h"

namespace membench::cli {

namespace {

// The head's budget verdicts for the comparison JSON: every case that has one.
nlohmann::json budgets_json(const report::Report& head) {
  nlohmann::json cases = nlohmann::json::array();
  for (const report::CaseResult& c : head.results)
    if (c.budget) cases.push_back({{"id", c.id}, {"budget", report::budget_to_json(*c.budget)}});
  return {{"cases_over_budget", analyze::cases_over_budget(head)}, {"cases", cases}};
}

}  // namespace

int emit_comparison(const analyze::Comparison& comparison, const ArgParser& parser,
                    const report::Report* budgeted_head) {
  // Everything rendered first: a failure leaves no file half done.
  std::vector<std::pair<std::string, std::string>> files;
  if (auto out = parser.value("out")) {
    nlohmann::json j = analyze::comparison_to_json(comparison);
    if (budgeted_head) j["budgets"] = budgets_json(*budgeted_head);
    files.emplace_back(*out, j.dump(2) + "\n");
  }
  if (auto md = parser.value("markdown")) {
    std::string text = render::format_markdown(comparison);
    if (budgeted_head) text.append("\n").append(render::budget_markdown(*budgeted_head));
    files.emplace_back(*md, std::move(text));
  }
  if (auto html = parser.value("html"))
    files.emplace_back(*html, render::compare_html(comparison, budgeted_head ? render::budget_html(*budgeted_head) : ""));
  for (const auto& [path, text] : files) write_file_atomically(path, text);
  const bool colour = ::isatty(STDOUT_FILENO) == 1 && std::getenv("NO_COLOR") == nullptr;
  std::fputs(render::format_terminal(comparison, colour).c_str(), stdout);
  if (budgeted_head) std::fputs(render::budget_lines(*budgeted_head).c_str(), stdout);
  const bool over_budget = budgeted_head && analyze::cases_over_budget(*budgeted_head) > 0;
  return comparison.has_regression() || over_budget ? 1 : 0;
}

}  // namespace membench::cli
