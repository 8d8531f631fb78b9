// Single-file HTML pages (README, 'Reports and regression gating'): CSS, script, data and SVG
// charts inline, no request to any network address. The renderer only
// presents what the reports hold; it never measures anything itself.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analyze/compare.h"
#include "report/model.h"

namespace membench::render {

// Files a report names beside its figures (heaptrack's recording and its
// folded allocation stacks), as the caller found them. The renderer reads no
// file itself: what it shows of these comes from here.
struct CaseAttachment {
  // The recording's path relative to the page's directory (a plain relative
  // link); empty when it is not linked (not found, or no page path known).
  std::string recording_link;
  // Folded stacks, "frame;frame;...;leaf COUNT" per line, when read.
  bool has_stacks = false;
  std::string stacks;
  // Why the stacks are not shown, e.g. "larger than 2 MiB" or "not found".
  std::string stacks_note;
};

struct ReportAttachments {
  std::map<std::string, CaseAttachment> by_case;  // key: the case id
};

// One report: the full page. Several (oldest first): the last one is shown in
// full, preceded by a trend section with each metric over the runs, per case,
// with the regressions between consecutive runs marked. Attachments belong to
// the last report; without them the page links no recording and draws no
// flame graph.
std::string html_report(const std::vector<membench::report::Report>& reports);
std::string html_report(const std::vector<membench::report::Report>& reports, const ReportAttachments& attachments);

// Reads, for the page to be written at html_path, the files `report` names:
// each case's heaptrack stacks file (skipped with a note when missing,
// unreadable or larger than max_stacks_bytes) and its recording's path
// relative to the page's directory (when the recording exists). The only
// function here that touches the file system.
inline constexpr std::uintmax_t kMaxStacksBytes = 2u << 20;
ReportAttachments read_attachments(const membench::report::Report& report, const std::string& html_path,
                                   std::uintmax_t max_stacks_bytes = kMaxStacksBytes);

// The `compare --html` page: base and head side by side per case, with the
// deltas, verdicts and both memory timelines overlaid.
std::string compare_html(const membench::analyze::Comparison& comparison);

// JSON that is safe inside <script type="application/json">: every '<', '>'
// and '&' is written as a \u escape, so "</script>" or "<!--" in a string
// cannot end or alter the element. Invalid UTF-8 is replaced.
std::string embed_json(const nlohmann::json& j);

}  // namespace membench::render
