// What `compare` and `ab` do with a finished comparison: the files the user
// asked for, the terminal table, the exit code.
#pragma once

#include "analyze/compare.h"
#include "util/args.h"

namespace membench::cli {

// Writes --out (JSON), --markdown and --html when given, prints the table
// (colour only on a terminal without NO_COLOR); returns 1 on a regression, else 0.
// With `budgeted_head` (compare/ab --budgets: the head report, judged), its
// budget verdicts go into every output too and a case over budget exits 1.
int emit_comparison(const analyze::Comparison& comparison, const ArgParser& parser,
                    const report::Report* budgeted_head = nullptr);

}  // namespace membench::cli
