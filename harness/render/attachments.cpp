#include "render/attachments.h"

#include <filesystem>
#include <fstream>
#include <iterator>

#include "render/html_page.h"
#include "util/format.h"

namespace membench::render {
namespace {

namespace fs = std::filesystem;

// The recording's path relative to the page's directory, when it exists.
std::string recording_link(const std::string& recording, const fs::path& page_dir) {
  if (recording.empty() || page_dir.empty()) return "";
  std::error_code e;
  fs::path p = fs::weakly_canonical(fs::absolute(recording, e), e);
  if (e || !fs::is_regular_file(p, e)) return "";
  fs::path rel = p.lexically_relative(page_dir);
  return rel.empty() ? "" : rel.generic_string();
}

void read_stacks(const std::string& stacks, std::uintmax_t max_bytes, CaseAttachment& a) {
  std::error_code e;
  if (!fs::is_regular_file(stacks, e)) {
    a.stacks_note = "the stacks file " + stacks + " was not found";
    return;
  }
  if (std::uintmax_t size = fs::file_size(stacks, e); e || size > max_bytes) {
    a.stacks_note = "the stacks file " + stacks + " is larger than " + format_bytes(static_cast<double>(max_bytes)) +
                    ", not embedded";
    return;
  }
  std::ifstream in(stacks, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    a.stacks_note = "the stacks file " + stacks + " could not be read";
  } else if (text.size() > max_bytes) {
    a.stacks_note = "the stacks file " + stacks + " grew while read";
  } else {
    a.has_stacks = true;
    a.stacks = std::move(text);
  }
}

}  // namespace

ReportAttachments read_attachments(const report::Report& report, const std::string& html_path,
                                   std::uintmax_t max_stacks_bytes) {
  ReportAttachments out;
  std::error_code ec;
  fs::path page_dir = fs::absolute(fs::path(html_path), ec).parent_path();
  if (!ec) page_dir = fs::weakly_canonical(page_dir, ec);
  if (ec) page_dir.clear();
  for (const report::CaseResult& c : report.results) {
    if (!c.heaptrack.is_object()) continue;
    CaseAttachment a;
    a.recording_link = recording_link(html::json_text(c.heaptrack, "recording"), page_dir);
    if (std::string stacks = html::json_text(c.heaptrack, "flamegraph"); !stacks.empty())
      read_stacks(stacks, max_stacks_bytes, a);
    if (a.recording_link.empty() && !a.has_stacks && a.stacks_note.empty()) continue;
    out.by_case[c.id] = std::move(a);
  }
  return out;
}

}  // namespace membench::render
