// Budget verdicts (docs/budgets.md) in the terminal, Markdown and HTML forms:
// the cases over budget with metric, limit and value, and every leak the
// budgets saw, suppressed ones included (suppressed is listed, never hidden).
#pragma once

#include <string>

#include "report/model.h"

namespace membench::render {

// Lines for the terminal after `run`'s table; "" when no budget was judged.
std::string budget_lines(const report::Report& report);
// A Markdown section ("### Budgets"); "" when no budget was judged.
std::string budget_markdown(const report::Report& report);
// An HTML box for the report page; "" when no budget was judged.
std::string budget_html(const report::Report& report);

}  // namespace membench::render
