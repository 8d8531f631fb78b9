// compare's and ab's verdicts as text (docs/compare.md, docs/ab.md).
#pragma once

#include <string>

#include "analyze/compare.h"

namespace membench::render {

// Plain-text table for a terminal; ANSI colour only when `colour`.
std::string format_terminal(const analyze::Comparison& c, bool colour);
// GitHub-flavoured Markdown for a pull-request comment.
std::string format_markdown(const analyze::Comparison& c);

}  // namespace membench::render
