// Single-file HTML pages (docs/compare.md, "The HTML page"): CSS,
// script, data and SVG charts inline, no request to any network address.
// The renderers only present what the reports hold; they never measure
// anything themselves. The page is assembled from one file per job:
//   html_page      frame, escaping, shared cells; assets/ holds CSS, JS, legend
//   svg_charts     line, bar, cluster charts, sparklines
//   html_report    the report page (html_lead, html_extras, html_allocators,
//                  html_heaptrack, html_trend are its sections)
//   html_compare   the compare page
//   attachments    the files a report names (the only file reading)
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analyze/compare.h"
#include "render/attachments.h"
#include "render/html_compare.h"
#include "report/model.h"

namespace membench::render {

// One report: the full page. Several (oldest first): the last one is shown in
// full, preceded by a trend section with each metric over the runs, per case,
// with the regressions between consecutive runs marked. Attachments belong to
// the last report; without them the page links no recording and draws no
// flame graph.
std::string html_report(const std::vector<membench::report::Report>& reports);
std::string html_report(const std::vector<membench::report::Report>& reports, const ReportAttachments& attachments);

// JSON that is safe inside <script type="application/json">: every '<', '>'
// and '&' is written as a \u escape, so "</script>" or "<!--" in a string
// cannot end or alter the element. Invalid UTF-8 is replaced.
std::string embed_json(const nlohmann::json& j);

}  // namespace membench::render
