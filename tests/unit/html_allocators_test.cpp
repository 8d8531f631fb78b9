// The report page's allocator matrix and heaptrack sections: figures from
// the report beside each other, disagreements marked, flame graphs drawn
// only from stacks the caller supplied.
#include "render/html.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include <unistd.h>

#include "report/json.h"
#include "../common/report_builders.h"
#include "../common/text_search.h"

namespace {

using membench::render::CaseAttachment;
using membench::render::ReportAttachments;
using membench::report::CaseResult;
using membench::report::Report;
using membench::report::Status;
using nlohmann::json;

// The element (its opening tag to its closing tag) that holds `marker`, for
// checks that must not match elsewhere on the page.
std::string element_with(const std::string& html, const std::string& marker, const std::string& tag) {
  std::size_t at = html.find(marker);
  if (at == std::string::npos) return "";
  std::size_t open = html.rfind("<" + tag, at);
  std::size_t close = html.find("</" + tag + ">", at);
  if (open == std::string::npos || close == std::string::npos) return "";
  return html.substr(open, close + tag.size() + 3 - open);
}

CaseResult make_case(const std::string& strategy, const std::string& allocator, std::uint64_t peak_live,
                     std::uint64_t rss_delta) {
  CaseResult c = membench::test::make_case("tokenize", strategy, "text-1MiB", allocator);
  membench::test::with_memory(c, 10 << 20, rss_delta);
  membench::test::with_allocations(c, 33118, 2662000, peak_live, 1);
  if (allocator == "jemalloc") {
    c.allocator_stats = {{"version", "5.3.0-0-g54eaed1d8b56"},
                         {"measured", "in the memory run, right before and right after the strategy"},
                         {"before", {{"allocated", 231448}, {"active", 364544}, {"resident", 3289088},
                                     {"mapped", 6926336}, {"retained", 1462272}, {"metadata", 2677360},
                                     {"thread_allocated", 326664}}},
                         {"after", {{"allocated", 231448}, {"active", 364544}, {"resident", 3289088 + 3 * 1048576},
                                    {"mapped", 9629696}, {"retained", 1380352}, {"metadata", 2738800},
                                    {"thread_allocated", 326664 + 3065120}}},
                         {"thread_allocated_delta", 3065120}};
  } else if (allocator == "glibc") {
    c.allocator_stats = {{"version", "2.36"},
                         {"measured", "in the memory run, right before and right after the strategy"},
                         {"before", {{"in_use", 214096}, {"system", 270336}}},
                         {"after", {{"in_use", 216144}, {"system", 270336 + 2 * 1048576}}}};
  } else {
    // mallinfo2 under an allocator that is not glibc's: zeros, not figures.
    c.allocator_stats = {{"version", "209"},
                         {"before", {{"in_use", 0}, {"system", 0}}},
                         {"after", {{"in_use", 0}, {"system", 0}}}};
  }
  return c;
}

json heaptrack_of(const CaseResult& c, std::uint64_t calls, std::uint64_t temporary) {
  json h = {{"recording", "/data/runs/heaptrack." + c.strategy + "." + c.allocator + ".zst"},
            {"flamegraph", "/data/runs/heaptrack." + c.strategy + "." + c.allocator + ".stacks.txt"},
            {"calls", calls},
            {"temporary", temporary},
            {"peak_heap_bytes", c.allocations->peak_live_bytes},
            {"leaked_bytes", 0},
            {"raw", {{"case", {{"calls", calls + 4909}}}, {"calibration", {{"calls", 4909}}}}},
            {"sources", "calls: heaptrack_print's summary"}};
  h["agrees"] = calls == c.allocations->count && temporary == c.allocations->temporary;
  if (!h["agrees"].get<bool>())
    h["disagreement"] = "membench counted " + std::to_string(c.allocations->count) + " <b>allocations</b>, heaptrack " +
                        std::to_string(calls);
  return h;
}

Report matrix_report() {
  Report r;
  r.context = {{"suite", "matrix"}, {"created_utc", "2025-02-03T04:05:06Z"}};
  for (const char* strategy : {"std_string", "arena"})
    for (const char* allocator : {"glibc", "jemalloc", "mimalloc"})
      r.results.push_back(make_case(strategy, allocator, std::string(strategy) == "arena" ? 1048576 : 2338000,
                                    std::string(allocator) == "jemalloc" ? 2580000 : 2520000));
  return r;
}

Report heaptrack_report() {
  Report r = matrix_report();
  for (CaseResult& c : r.results) c.heaptrack = heaptrack_of(c, 33118, 1);
  // One case where heaptrack counts differently, one where it failed.
  CaseResult& off = r.results[1];
  off.heaptrack = heaptrack_of(off, 33121, 1);
  r.results[2].heaptrack = {{"error", "heaptrack_print failed on <recording>"}};
  return r;
}

// Two identical stacks (merged), a big branch and a branch far below 0.5 %.
const char* const kStacks =
    "main;run_std_string(membench::Input const&);std::vector<char>::push_back;operator new<char>;malloc; 30000\n"
    "main;run_std_string(membench::Input const&);std::vector<char>::push_back;operator new<char>;malloc; 3000\n"
    "main;setup;read_config;malloc; 4900\n"
    "main;tiny_branch_below_threshold;malloc; 3\n"
    "not a stack line\n";

std::string flame_svg(const std::string& html) {
  std::size_t at = html.find("<svg class=\"chart flame\"");
  if (at == std::string::npos) return "";
  return html.substr(at, html.find("</svg>", at) + 6 - at);
}

TEST(HtmlAllocators, SectionHasOneRowPerAllocatorWithRequestedVsHeld) {
  Report r = matrix_report();
  std::string html = membench::render::html_report({r});
  ASSERT_NE(html.find("<h3>Allocators</h3>"), std::string::npos);
  std::string table = element_with(html, "<table class=\"allocators\"", "table");
  ASSERT_FALSE(table.empty());
  for (const CaseResult& c : r.results) EXPECT_NE(table.find("data-case=\"" + c.id + "\""), std::string::npos) << c.id;
  // One group per (strategy, dataset).
  EXPECT_EQ(count_occurrences(table, "<tr class=\"group\">"), 2u);
  // jemalloc: resident grew by 3 MiB; glibc: the system figure by 2 MiB; both labelled with their source.
  EXPECT_NE(table.find(">3.00 MiB <span class=\"meta\">resident</span>"), std::string::npos);
  EXPECT_NE(table.find(">2.00 MiB <span class=\"meta\">system</span>"), std::string::npos);
  EXPECT_NE(table.find(">0 B <span class=\"meta\">active</span>"), std::string::npos);
  EXPECT_NE(table.find(">2.00 KiB <span class=\"meta\">in_use</span>"), std::string::npos);
  // jemalloc's own count of bytes (size classes) beside the bytes requested.
  EXPECT_NE(table.find("allocator-counted bytes"), std::string::npos);
  EXPECT_NE(table.find(">2.92 MiB<"), std::string::npos);
  // An allocator that only answered with zeros has no figures, and says so.
  EXPECT_NE(table.find("this allocator reported no statistics"), std::string::npos);
  // Requested peak live and peak RSS delta of every row.
  EXPECT_NE(table.find(">2.23 MiB<"), std::string::npos);
  EXPECT_NE(table.find(">1.00 MiB<"), std::string::npos);
  EXPECT_NE(table.find(">2.46 MiB<"), std::string::npos);
  // One grouped bar chart per strategy, with the three series.
  EXPECT_EQ(count_occurrences(html, "class=\"chart clusters\""), 2u);
  EXPECT_NE(html.find("held after Δ (allocator)"), std::string::npos);
  EXPECT_NE(html.find("std_string: requested vs held"), std::string::npos);
  // The honest label: a snapshot after the strategy, not a peak.
  EXPECT_NE(html.find("retention"), std::string::npos);
}

TEST(HtmlAllocators, SectionOnlyWithSeveralAllocatorsOrStatistics) {
  Report one = matrix_report();
  one.results.erase(std::remove_if(one.results.begin(), one.results.end(),
                                   [](const CaseResult& c) { return c.allocator != "glibc"; }),
                    one.results.end());
  EXPECT_NE(membench::render::html_report({one}).find("<h3>Allocators</h3>"), std::string::npos);
  for (CaseResult& c : one.results) c.allocator_stats = nullptr;
  EXPECT_EQ(membench::render::html_report({one}).find("<h3>Allocators</h3>"), std::string::npos);
  Report two = one;
  two.results[0].allocator = "jemalloc";
  two.results[0].id = membench::report::case_id("tokenize", "std_string", "text-1MiB", "jemalloc");
  std::string html = membench::render::html_report({two});
  EXPECT_NE(html.find("<h3>Allocators</h3>"), std::string::npos);
  // Without statistics, no column or bar for them.
  EXPECT_EQ(html.find("held after Δ (allocator)"), std::string::npos);
  EXPECT_EQ(element_with(html, "<table class=\"allocators\"", "table").find("held after"), std::string::npos);
}

TEST(HtmlAllocators, FailedCaseHasNoFigures) {
  Report r = matrix_report();
  r.results[0].status = Status::oom;
  r.results[0].error = "over the limit";
  std::string table = element_with(membench::render::html_report({r}), "<table class=\"allocators\"", "table");
  std::string row = element_with(table, "data-case=\"" + r.results[0].id + "\"", "tr");
  EXPECT_NE(row.find("class=\"bad\""), std::string::npos);
  EXPECT_NE(row.find(">oom<"), std::string::npos);
  EXPECT_EQ(row.find("MiB<"), std::string::npos) << row;
}

TEST(HtmlHeaptrack, TableShowsBothSidesAndMarksDisagreement) {
  Report r = heaptrack_report();
  std::string html = membench::render::html_report({r});
  std::string table = element_with(html, "<table class=\"heaptrack\"", "table");
  ASSERT_FALSE(table.empty());
  EXPECT_NE(table.find(">membench<"), std::string::npos);
  EXPECT_NE(table.find(">heaptrack<"), std::string::npos);
  // Agreeing row: both sides, the same figures.
  std::string agree = element_with(table, "data-case=\"" + r.results[0].id + "\"", "tr");
  EXPECT_NE(agree.find("badge st-ok\">agrees<"), std::string::npos);
  EXPECT_EQ(count_occurrences(agree, ">33,118<"), 2u) << agree;
  EXPECT_EQ(agree.find("class=\"bad\""), std::string::npos);
  // Disagreeing row: red, the reason escaped, heaptrack's differing figure marked with the difference.
  std::string off = element_with(table, "data-case=\"" + r.results[1].id + "\"", "tr");
  EXPECT_NE(off.find("class=\"bad\""), std::string::npos);
  EXPECT_NE(off.find("badge st-bad\">disagrees<"), std::string::npos);
  EXPECT_NE(off.find("&lt;b&gt;allocations&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(off.find("<b>"), std::string::npos);
  EXPECT_NE(off.find("class=\"num ht v-bad\""), std::string::npos);
  EXPECT_NE(off.find("33,121 <span class=\"diff\">(+3)</span>"), std::string::npos);
  EXPECT_NE(off.find(">33,118<"), std::string::npos);
  // A failed heaptrack run shows its error.
  std::string failed = element_with(table, "data-case=\"" + r.results[2].id + "\"", "tr");
  EXPECT_NE(failed.find("badge st-bad\">error<"), std::string::npos);
  EXPECT_NE(failed.find("heaptrack_print failed on &lt;recording&gt;"), std::string::npos);
  // Summary line and header chip.
  EXPECT_NE(html.find("6 cases recorded under heaptrack"), std::string::npos);
  EXPECT_NE(html.find("1 disagree"), std::string::npos);
  EXPECT_NE(html.find("1 heaptrack disagreement<"), std::string::npos);
  // Without attachments: the recording is named, not linked, and no flame graph is drawn.
  EXPECT_EQ(table.find("<a href=\""), std::string::npos);
  EXPECT_NE(table.find("title=\"/data/runs/heaptrack.std_string.glibc.zst"), std::string::npos);
  EXPECT_EQ(html.find("<svg class=\"chart flame\""), std::string::npos);
}

TEST(HtmlHeaptrack, FlameGraphEmbeddedOnlyWhenStacksAreGiven) {
  Report r = heaptrack_report();
  ReportAttachments att;
  CaseAttachment& a = att.by_case[r.results[0].id];
  a.has_stacks = true;
  a.stacks = kStacks;
  a.recording_link = "runs dir/heaptrack.std_string.glibc.zst";
  att.by_case[r.results[3].id].stacks_note = "the stacks file /x.stacks.txt is larger than 2.00 MiB, not embedded";
  std::string html = membench::render::html_report({r}, att);

  EXPECT_EQ(count_occurrences(html, "<svg class=\"chart flame\""), 1u);
  EXPECT_NE(html.find("id=\"flame-tokenize-std-string-text-1MiB-glibc\""), std::string::npos);
  EXPECT_NE(html.find("href=\"#flame-tokenize-std-string-text-1MiB-glibc\""), std::string::npos);
  std::string svg = flame_svg(html);
  // Identical stacks merged: 33,000 calls under push_back; names escaped.
  EXPECT_NE(svg.find("operator new&lt;char&gt;\n33,000 allocation calls"), std::string::npos) << svg.substr(0, 2000);
  EXPECT_EQ(count_occurrences(svg, "<title>main\n"), 1u);
  EXPECT_NE(svg.find("<title>all\n37,903 allocation calls"), std::string::npos);
  // The branch under 0.5 % of the total is left out, and the caption says how much.
  EXPECT_EQ(svg.find("tiny_branch_below_threshold"), std::string::npos);
  EXPECT_EQ(html.find("tiny_branch_below_threshold"), std::string::npos);
  EXPECT_NE(html.find("3 calls in frames under 0.5% of the total left out"), std::string::npos);
  // Depth: all, main, run/setup, push_back/read_config, operator new/malloc, malloc.
  EXPECT_EQ(count_occurrences(svg, "<g class=\"f\""), 9u);
  // The recording is a plain relative link, percent-encoded.
  EXPECT_NE(html.find("href=\"runs%20dir/heaptrack.std_string.glibc.zst\""), std::string::npos);
  // A case whose stacks were skipped says why.
  EXPECT_NE(html.find("is larger than 2.00 MiB, not embedded"), std::string::npos);

  // The page is still self-contained: links go inside the page or to a relative file.
  std::regex href("href=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), href); it != std::sregex_iterator(); ++it) {
    std::string link = (*it)[1].str();
    EXPECT_TRUE(link.rfind("#", 0) == 0 || (link.find(':') == std::string::npos && link[0] != '/')) << link;
  }
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(count_occurrences(html, "</script"), 2u);

  // The embedded data is still exactly the report: the stacks are drawn, not stored twice.
  const std::string open = "<script type=\"application/json\" id=\"membench-data\">";
  std::size_t start = html.find(open) + open.size();
  EXPECT_EQ(json::parse(html.substr(start, html.find("</script>", start) - start)), membench::report::to_json(r));
}

TEST(HtmlHeaptrack, MalformedStacksDrawNothing) {
  Report r = heaptrack_report();
  ReportAttachments att;
  att.by_case[r.results[0].id].has_stacks = true;
  att.by_case[r.results[0].id].stacks = "no counts here\n;;; \n\n";
  std::string html = membench::render::html_report({r}, att);
  EXPECT_EQ(html.find("<svg class=\"chart flame\""), std::string::npos);
  EXPECT_NE(html.find("no stacks in the file"), std::string::npos);
}

class ReadAttachments : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("membench-html-attachments-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "recordings");
    std::filesystem::create_directories(dir_ / "pages");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(ReadAttachments, ReadsStacksAndLinksRecordingsRelativeToThePage) {
  Report r = heaptrack_report();
  std::string rec = (dir_ / "recordings" / "heaptrack.a.zst").string();
  std::string stacks = (dir_ / "recordings" / "heaptrack.a.stacks.txt").string();
  std::ofstream(rec) << "zst";
  std::ofstream(stacks) << kStacks;
  r.results[0].heaptrack["recording"] = rec;
  r.results[0].heaptrack["flamegraph"] = stacks;
  // Too large for the cap given below.
  std::string big = (dir_ / "recordings" / "heaptrack.b.stacks.txt").string();
  std::ofstream(big) << std::string(4096, 'x');
  r.results[3].heaptrack["flamegraph"] = big;
  // Missing files: no link, a note for the stacks.
  r.results[4].heaptrack["recording"] = (dir_ / "recordings" / "gone.zst").string();
  r.results[4].heaptrack["flamegraph"] = (dir_ / "recordings" / "gone.stacks.txt").string();

  ReportAttachments att = membench::render::read_attachments(r, (dir_ / "pages" / "report.html").string(), 1024);
  ASSERT_TRUE(att.by_case.count(r.results[0].id));
  const CaseAttachment& a = att.by_case[r.results[0].id];
  EXPECT_EQ(a.recording_link, "../recordings/heaptrack.a.zst");
  EXPECT_TRUE(a.has_stacks);
  EXPECT_EQ(a.stacks, kStacks);
  const CaseAttachment& b = att.by_case[r.results[3].id];
  EXPECT_FALSE(b.has_stacks);
  EXPECT_NE(b.stacks_note.find("larger than 1.00 KiB"), std::string::npos) << b.stacks_note;
  const CaseAttachment& c = att.by_case[r.results[4].id];
  EXPECT_TRUE(c.recording_link.empty());
  EXPECT_NE(c.stacks_note.find("not found"), std::string::npos);
  // The error case names no files.
  EXPECT_FALSE(att.by_case.count(r.results[2].id));

  // Beside the page: a bare file name.
  att = membench::render::read_attachments(r, (dir_ / "recordings" / "report.html").string());
  EXPECT_EQ(att.by_case[r.results[0].id].recording_link, "heaptrack.a.zst");
}

}  // namespace
