// The `compare --html` page: base and head side by side per case, with the
// deltas, verdicts and both memory timelines overlaid. It presents the
// judgement of analyze/compare and judges nothing itself.
#pragma once

#include <string>

#include "analyze/compare.h"

namespace membench::render {

// `head_section`: HTML placed first in the page's main part (compare --budgets
// puts the head's budget verdicts there).
std::string compare_html(const membench::analyze::Comparison& comparison, const std::string& head_section = "");

}  // namespace membench::render
