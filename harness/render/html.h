// Single-file HTML pages (contract section 6): CSS, script, data and SVG
// charts inline, no request to any network address. The renderer only
// presents what the reports hold; it never measures anything itself.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analyze/compare.h"
#include "report/model.h"

namespace membench::render {

// One report: the full page. Several (oldest first): the last one is shown in
// full, preceded by a trend section with each metric over the runs, per case,
// with the regressions between consecutive runs marked.
std::string html_report(const std::vector<membench::report::Report>& reports);

// The `compare --html` page: base and head side by side per case, with the
// deltas, verdicts and both memory timelines overlaid.
std::string compare_html(const membench::analyze::Comparison& comparison);

// JSON that is safe inside <script type="application/json">: every '<', '>'
// and '&' is written as a \u escape, so "</script>" or "<!--" in a string
// cannot end or alter the element. Invalid UTF-8 is replaced.
std::string embed_json(const nlohmann::json& j);

}  // namespace membench::render
