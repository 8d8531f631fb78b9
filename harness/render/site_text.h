// Allocation sites as text: the top sites of a case (Markdown results) and
// the sites that grew or shrank between two reports (compare's and ab's
// terminal and Markdown forms).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analyze/compare.h"
#include "report/model.h"

namespace membench::render {

// "run_string_view → std::unordered_map::emplace → …": the functions of a
// stack, root first, each named once per run of equal names.
std::string stack_text(const std::vector<report::SiteFrame>& frames, std::size_t max_frames = 6);

// A site's change with its sign: "+30,157", "-1.2 KiB".
std::string signed_count(std::int64_t delta);
std::string signed_bytes(std::int64_t delta);
// "file:line" of a stack (report::location_text), "?" when unknown.
std::string site_where(const std::vector<report::SiteFrame>& frames);

// A Markdown table of the top `n` sites by count of the cases that have
// sites; "" when none has.
std::string top_sites_markdown(const std::vector<const report::CaseResult*>& cases, std::size_t n = 3);

// The sites that grew or shrank in each case whose allocation figures
// changed; "" when there is none.
std::string site_changes_terminal(const analyze::Comparison& c, bool colour, std::size_t per_case = 5);
std::string site_changes_markdown(const analyze::Comparison& c, std::size_t per_case = 5);

}  // namespace membench::render
