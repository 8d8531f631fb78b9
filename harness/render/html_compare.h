// The `compare --html` page: base and head side by side per case, with the
// deltas, verdicts and both memory timelines overlaid. It presents the
// judgement of analyze/compare and judges nothing itself.
#pragma once

#include <string>

#include "analyze/compare.h"

namespace membench::render {

std::string compare_html(const membench::analyze::Comparison& comparison);

}  // namespace membench::render
