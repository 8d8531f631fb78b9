// --budgets and --suppressions, the same for run, compare and ab
// (docs/budgets.md): read before anything runs, so a bad file costs nothing.
#pragma once

#include <optional>

#include "analyze/budgets.h"
#include "util/args.h"
#include "util/paths.h"

namespace membench::cli {

void add_budget_options(ArgParser& parser);
// The budgets asked for (the file's and those declared with the strategies),
// or none without --budgets. A bad file is a UsageError naming FILE:LINE.
std::optional<analyze::BudgetRules> budget_rules(const ArgParser& parser);
// The input files these options name, for the check that no output overwrites one.
std::vector<NamedPath> budget_input_files(const ArgParser& parser);

}  // namespace membench::cli
