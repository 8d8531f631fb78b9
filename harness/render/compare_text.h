// compare's and ab's verdicts as text (docs/compare.md, docs/ab.md).
#pragma once

#include <string>

#include "analyze/compare.h"

namespace membench::render {

// Plain-text table for a terminal; ANSI colour only when `colour`.
std::string format_terminal(const analyze::Comparison& c, bool colour);
// GitHub-flavoured Markdown for a pull-request comment.
std::string format_markdown(const analyze::Comparison& c);

// A paired time verdict's two measures, each with its interval, and which
// decided (docs/time-gate.md): "decided by cpu: real +3.1% [-8.0%, +19.2%],
// CPU +10.0% [+9.6%, +10.4%]"; "" for a metric judged otherwise.
std::string time_measures_text(const analyze::MetricChange& m);

}  // namespace membench::render
