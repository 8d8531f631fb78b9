// Budgets: absolute limits on the catalogue's figures that need no baseline,
// and the leak gate with its suppressions (docs/budgets.md). A budgets file
// holds lines `PATTERN METRIC <= VALUE`; a strategy can declare its own with
// MEMBENCH_STRATEGY_BUDGET (core/strategy.h); a suppressions file holds
// LeakSanitizer-style `leak:PATTERN` lines. Judging a report fills each
// case's `budget` (report/model.h).
#pragma once

#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "report/metrics.h"
#include "report/model.h"

namespace membench::analyze {

// A bad budgets or suppressions file: "FILE:LINE: what" (exit 2).
class BudgetError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class BudgetOp { at_most, at_least };

struct Budget {
  std::string pattern;  // ECMAScript regex searched in the case id
  std::regex regex;
  const report::Metric* metric = nullptr;
  BudgetOp op = BudgetOp::at_most;
  double limit = 0;  // in the metric's unit
  std::string source;  // "FILE:LINE", or "registration" (MEMBENCH_STRATEGY_BUDGET)
  // For a budget declared with a strategy: the strategy it belongs to.
  std::string workload, strategy;
};

struct LeakSuppression {
  std::string pattern;  // the text after "leak:"
  std::string source;   // "FILE:LINE"
};

struct BudgetRules {
  std::vector<Budget> budgets;
  std::vector<LeakSuppression> suppressions;
  std::vector<std::string> files;  // the budgets and suppressions files read, for the report's context
};

// Parsers; `source` names the file in errors. Throw BudgetError naming FILE:LINE.
std::vector<Budget> parse_budgets(const std::string& text, const std::string& source);
std::vector<LeakSuppression> parse_suppressions(const std::string& text, const std::string& source);
std::vector<Budget> read_budgets_file(const std::string& path);
std::vector<LeakSuppression> read_suppressions_file(const std::string& path);
// Every budget declared with a strategy's registration; a metric the
// catalogue does not know throws BudgetError naming the strategy.
std::vector<Budget> registered_budgets();
// The value of a budget file's VALUE for `metric`: "64KiB", "1.01", "5%", "2ms".
std::optional<double> parse_budget_value(const std::string& text, const report::Metric& metric);
// What --help says of the two formats.
const char* budgets_format_help();

// LeakSanitizer's matching: the pattern (with * wildcards, ^ and $ anchors)
// found in any frame's function or file.
bool suppression_matches(const std::string& pattern, const report::AllocationSite& site);

// Judges every completed case of `rep` against the budgets that match it and
// sets its `budget`; cases no budget matches and that leak nothing keep none.
// Returns the number of cases over budget. The report's context records the
// files under "budgets".
int judge_budgets(report::Report& rep, const BudgetRules& rules);
int cases_over_budget(const report::Report& rep);

// "allocations.leaked_bytes 1.00 MiB > 0 B (budgets/default.budgets:9)"
std::string describe_check(const report::BudgetCheck& check);
// "1.00 MiB at leak (strategies/selftest_faults.cpp:71)" plus the suppression, if any.
std::string describe_leak(const report::LeakEntry& leak);

}  // namespace membench::analyze
