// Files a report names beside its figures (heaptrack's recording and its
// folded allocation stacks), read for a page about to be written. This is
// the only part of the renderers that touches the file system: the pages
// show what they are given here.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "report/model.h"

namespace membench::render {

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

// Reads, for the page to be written at html_path, the files `report` names:
// each case's heaptrack stacks file (skipped with a note when missing,
// unreadable or larger than max_stacks_bytes) and its recording's path
// relative to the page's directory (when the recording exists).
inline constexpr std::uintmax_t kMaxStacksBytes = 2u << 20;
ReportAttachments read_attachments(const membench::report::Report& report, const std::string& html_path,
                                   std::uintmax_t max_stacks_bytes = kMaxStacksBytes);

}  // namespace membench::render
