#include "cli/budget_options.h"

namespace membench::cli {

void add_budget_options(ArgParser& parser) {
  parser
      .option("budgets", "absolute limits per case pattern (PATTERN METRIC <= VALUE lines; docs/budgets.md); "
                         "a case over one is 'over budget' and the command exits 1")
      .option("suppressions", "known leaks, LeakSanitizer's format (leak:FUNCTION_OR_FILE lines): listed as "
                              "suppressed, not counted against allocations.leaked_bytes (with --budgets)");
}

std::optional<analyze::BudgetRules> budget_rules(const ArgParser& parser) {
  const std::optional<std::string> budgets = parser.value("budgets");
  const std::optional<std::string> suppressions = parser.value("suppressions");
  if (!budgets) {
    if (suppressions) throw UsageError("--suppressions applies to the leak budget: give --budgets too");
    return std::nullopt;
  }
  analyze::BudgetRules rules;
  try {
    rules.budgets = analyze::read_budgets_file(*budgets);
    rules.files.push_back(*budgets);
    for (analyze::Budget& b : analyze::registered_budgets()) rules.budgets.push_back(std::move(b));
    if (suppressions) {
      rules.suppressions = analyze::read_suppressions_file(*suppressions);
      rules.files.push_back(*suppressions);
    }
  } catch (const analyze::BudgetError& e) {
    throw UsageError(e.what());
  }
  return rules;
}

std::vector<NamedPath> budget_input_files(const ArgParser& parser) {
  std::vector<NamedPath> files;
  for (const char* option : {"budgets", "suppressions"})
    if (auto path = parser.value(option)) files.push_back({std::string("--") + option, *path});
  return files;
}

}  // namespace membench::cli
