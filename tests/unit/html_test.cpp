#include "render/html.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "analyze/compare.h"
#include "render/gbench_json.h"
#include "render/terminal.h"
#include "report/json.h"
#include "../common/report_builders.h"
#include "../common/text_search.h"

namespace {

using membench::report::CaseResult;
using membench::report::Report;
using membench::report::ScalingFit;
using membench::report::Status;
using membench::test::with_allocations;
using membench::test::with_memory;
using membench::test::with_time;
using nlohmann::json;

CaseResult make_case(const std::string& workload, const std::string& strategy, const std::string& dataset,
                     std::uint64_t allocations) {
  CaseResult c = membench::test::make_case(workload, strategy, dataset);
  c.input_bytes = 4 << 20;
  c.input_items = 1000;
  c.output_digest = std::string(64, 'c');
  c.params = {{"buffer_bytes", 8192}};
  with_time(c, {1.0e6, 1.1e6, 0.9e6, 1.05e6, 0.95e6}, 12, {0.9e6, 1.0e6, 0.8e6, 0.95e6, 0.85e6});
  with_memory(c, 9 << 20, 4 << 20);
  c.memory->baseline_anon_bytes = 2 << 20;
  c.memory->peak_anon_bytes = 6 << 20;
  c.memory->baseline_file_bytes = 7 << 20;
  c.memory->peak_file_bytes = 7 << 20;
  with_allocations(c, allocations, allocations * 100, allocations * 50, 1);
  c.timeline.emplace();
  c.timeline->interval_ms = 1;
  for (int i = 0; i < 20; ++i) {
    c.timeline->rss_bytes.push_back((9u << 20) + static_cast<std::uint64_t>(i) * 200000);
    c.timeline->anon_bytes.push_back((2u << 20) + static_cast<std::uint64_t>(i) * 200000);
    c.timeline->file_bytes.push_back(7u << 20);
  }
  return c;
}

Report make_report() {
  Report r;
  r.context = {{"suite", "unit"},
               {"created_utc", "2025-01-02T03:04:05Z"},
               {"git_commit", "0123456789abcdef"},
               {"host", "testhost"},
               {"compiler", "GNU 12.2.0"},
               {"command_line", "membench run --quick"}};
  r.results.push_back(make_case("hash", "full_read", "text-4MiB", 6));
  r.results.push_back(make_case("hash", "stream", "text-4MiB", 5));
  CaseResult failed = make_case("hash", "mmap", "text-4MiB", 5);
  failed.status = Status::failed;
  failed.error = "child killed by <signal 11> & \"core\" dumped </script>";
  r.results.push_back(failed);
  CaseResult extra = make_case("tokenize", "arena", "text-4MiB", 12);
  extra.extra = {{"arena_blocks", 17}, {"arena_bytes", 65536}};
  extra.allocator_stats = {{"allocated", 1048576}, {"resident", 2097152}};
  extra.heaptrack = {{"calls", 9}, {"peak_heap_bytes", 4096}, {"raw", {{"calls", 150}}}};
  r.results.push_back(extra);
  ScalingFit fit;
  fit.workload = "hash";
  fit.strategy = "full_read";
  fit.allocator = "glibc";
  fit.metric = "memory.peak_rss_delta_bytes";
  fit.points = {{1 << 20, 1.1e6}, {4 << 20, 4.3e6}, {16 << 20, 17e6}};
  fit.slope = 1.01;
  fit.intercept = 20000;
  fit.r2 = 0.999;
  fit.complexity = "O(n)";
  r.scaling.push_back(fit);
  return r;
}

void expect_self_contained(const std::string& html) {
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find(" src="), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  // Every href is a link inside the page.
  std::regex href("href=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), href); it != std::sregex_iterator(); ++it)
    EXPECT_EQ((*it)[1].str().rfind("#", 0), 0u) << (*it)[1].str();
  // The only script end tags are those of the two script elements.
  EXPECT_EQ(count_occurrences(html, "</script"), 2u);
  EXPECT_EQ(html.find("<!--"), std::string::npos);
}

TEST(HtmlReport, SingleReportIsSelfContainedAndComplete) {
  Report r = make_report();
  std::string html = membench::render::html_report({r});
  expect_self_contained(html);
  for (const CaseResult& c : r.results) EXPECT_NE(html.find("data-case=\"" + c.id + "\""), std::string::npos) << c.id;
  EXPECT_NE(html.find("Workload hash"), std::string::npos);
  EXPECT_NE(html.find("Workload tokenize"), std::string::npos);
  // Context, legend, scaling fit.
  EXPECT_NE(html.find("testhost"), std::string::npos);
  EXPECT_NE(html.find("membench run --quick"), std::string::npos);
  EXPECT_NE(html.find("How to read these metrics"), std::string::npos);
  EXPECT_NE(html.find("Memory vs input size"), std::string::npos);
  EXPECT_NE(html.find(">O(n)<"), std::string::npos);
  // Figures come from the report: 4 MiB peak RSS delta, anon split 6 - 2 = 4 MiB, file split 0.
  EXPECT_NE(html.find("4.00 MiB"), std::string::npos);
  EXPECT_NE(html.find(">0 B<"), std::string::npos);
  // Charts: bars and one timeline per case with a timeline.
  EXPECT_NE(html.find("class=\"chart bars\""), std::string::npos);
  EXPECT_EQ(count_occurrences(html, "class=\"chart timeline\""), r.results.size());
  EXPECT_NE(html.find("class=\"sortable results\""), std::string::npos);
}

TEST(HtmlReport, WorkloadOpensWithEachStrategyAgainstTheReference) {
  Report r = make_report();
  r.context["workloads"] = {{"hash", {{"reference_strategy", "stream"}, {"description", "SHA-256 of a file"}}}};
  r.results[0].memory->peak_rss_delta_bytes = 8 << 20;  // full_read: twice stream's 4 MiB
  std::string html = membench::render::html_report({r});
  std::size_t section = html.find("<section class=\"workload\" id=\"wl-hash\"");
  ASSERT_NE(section, std::string::npos);
  std::size_t lead = html.find("<table class=\"sortable lead\">", section);
  std::size_t raw = html.find("<table class=\"sortable results\">", section);
  ASSERT_NE(lead, std::string::npos);
  ASSERT_NE(raw, std::string::npos);
  EXPECT_LT(lead, raw) << "the comparison with the reference comes before the raw figures";
  std::string table = html.substr(lead, html.find("</table>", lead) - lead);
  EXPECT_NE(html.find("against the reference strategy <strong>stream</strong>", section), std::string::npos);
  // The reference leads, then the others by name; the failed one says so.
  std::size_t stream = table.find("data-case=\"hash/stream/text-4MiB/glibc\" class=\"reference\"");
  std::size_t full_read = table.find("data-case=\"hash/full_read/text-4MiB/glibc\"");
  std::size_t mmap = table.find("data-case=\"hash/mmap/text-4MiB/glibc\"");
  ASSERT_NE(stream, std::string::npos);
  EXPECT_LT(stream, full_read);
  EXPECT_LT(full_read, mmap);
  EXPECT_NE(table.find("badge st-bad\">failed<", mmap), std::string::npos);
  // Ratios per metric: 6 against 5 allocations, 8 MiB against 4 MiB; the best per column marked.
  std::string full_row = table.substr(full_read, mmap - full_read);
  EXPECT_NE(full_row.find(">1.20× more<"), std::string::npos) << full_row;
  EXPECT_NE(full_row.find(">2.00× more<"), std::string::npos) << full_row;
  std::string stream_row = table.substr(stream, full_read - stream);
  EXPECT_NE(stream_row.find("class=\"num best\""), std::string::npos) << stream_row;
  // full_read is worse on these, unmarked; on time it ties with stream, and a tie is best for both.
  EXPECT_NE(full_row.find("<td class=\"num\" data-v=\"2\""), std::string::npos) << full_row;
  EXPECT_NE(full_row.find("<td class=\"num\" data-v=\"1.2\""), std::string::npos) << full_row;
  EXPECT_NE(full_row.find("★</span> same"), std::string::npos) << full_row;
  // Without a reference in the report, the figures stand alone.
  std::string plain = membench::render::html_report({make_report()});
  EXPECT_NE(plain.find("names no reference strategy"), std::string::npos);
}

TEST(HtmlReport, TableColumnsOnlyForFiguresSomeCaseHas) {
  Report r = make_report();
  std::string without = membench::render::html_report({r});
  EXPECT_EQ(without.find(">instructions<"), std::string::npos);
  r.results[0].cachegrind = membench::report::CpuCost{123456789, 2000, 300, {}};
  std::string with = membench::render::html_report({r});
  EXPECT_NE(with.find(">instructions<"), std::string::npos);
  EXPECT_NE(with.find(">123,456,789<"), std::string::npos);
  // The terminal summary likewise.
  EXPECT_EQ(membench::render::summary_table(make_report()).find("instructions"), std::string::npos);
  EXPECT_NE(membench::render::summary_table(r).find("123,456,789"), std::string::npos);
}

TEST(HtmlReport, FailedCaseStandsOutWithEscapedError) {
  std::string html = membench::render::html_report({make_report()});
  EXPECT_NE(html.find("class=\"problems\""), std::string::npos);
  EXPECT_NE(html.find("1 case did not complete"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"badge st-bad\">failed</span>"), std::string::npos);
  EXPECT_NE(html.find("child killed by &lt;signal 11&gt; &amp; &quot;core&quot; dumped &lt;/script&gt;"),
            std::string::npos);
  EXPECT_NE(html.find("<tr id=\"case-hash-mmap-text-4MiB-glibc\" class=\"bad\""), std::string::npos);
}

TEST(HtmlReport, GenericObjectsAreShownAsTables) {
  std::string html = membench::render::html_report({make_report()});
  EXPECT_NE(html.find("Extra figures"), std::string::npos);
  EXPECT_NE(html.find("arena_blocks"), std::string::npos);
  EXPECT_NE(html.find("Allocator statistics"), std::string::npos);
  EXPECT_NE(html.find(">resident<"), std::string::npos);
  EXPECT_NE(html.find(">raw.calls<"), std::string::npos);
  EXPECT_NE(html.find(">2.00 MiB<"), std::string::npos);  // resident is a size
}

TEST(HtmlReport, EmbeddedDataIsTheReportAndCannotEndTheScript) {
  Report r = make_report();
  std::string html = membench::render::html_report({r});
  const std::string open = "<script type=\"application/json\" id=\"membench-data\">";
  std::size_t start = html.find(open);
  ASSERT_NE(start, std::string::npos);
  start += open.size();
  std::size_t end = html.find("</script>", start);
  ASSERT_NE(end, std::string::npos);
  json embedded = json::parse(html.substr(start, end - start));
  EXPECT_EQ(embedded, membench::report::to_json(r));
}

TEST(HtmlReport, EmbedJsonEscapesMarkup) {
  json j = {{"s", "</script><!-- & <b>"}};
  std::string e = membench::render::embed_json(j);
  EXPECT_EQ(e.find('<'), std::string::npos);
  EXPECT_EQ(e.find('>'), std::string::npos);
  EXPECT_EQ(e.find('&'), std::string::npos);
  EXPECT_EQ(json::parse(e), j);
}

TEST(HtmlReport, HistoryAddsATrendWithRegressionsMarked) {
  Report a = make_report(), b = make_report(), c = make_report();
  b.context["created_utc"] = "2025-01-03T03:04:05Z";
  c.context["created_utc"] = "2025-01-04T03:04:05Z";
  b.results[1].allocations->count += 2;  // hash/stream regresses in the second run
  c.results[1].allocations->count += 2;
  std::string html = membench::render::html_report({a, b, c});
  expect_self_contained(html);
  EXPECT_NE(html.find("Trend over 3 runs"), std::string::npos);
  EXPECT_NE(html.find("1 regression in exact figures or status between consecutive runs"), std::string::npos);
  EXPECT_NE(html.find("class=\"regressed\""), std::string::npos);
  EXPECT_NE(html.find("#2 2025-01-03T03:04:05Z"), std::string::npos);
  // The newest report is the one shown in full.
  EXPECT_NE(html.find("2025-01-04T03:04:05Z"), std::string::npos);
}

TEST(HtmlReport, EmptyInputsStillMakeAPage) {
  std::string none = membench::render::html_report({});
  EXPECT_NE(none.find("</html>"), std::string::npos);
  Report empty;
  std::string page = membench::render::html_report({empty});
  expect_self_contained(page);
  EXPECT_NE(page.find("holds no results"), std::string::npos);
}

TEST(CompareHtml, ShowsBothSidesDeltasAndTimelines) {
  Report base = make_report(), head = make_report();
  head.results[0].allocations->count += 1;
  head.results[0].timeline->rss_bytes.push_back(20 << 20);
  membench::analyze::Comparison c = membench::analyze::compare_reports(base, head);
  c.base_label = "base.json";
  c.head_label = "head.json";
  std::string html = membench::render::compare_html(c);
  expect_self_contained(html);
  EXPECT_NE(html.find("1 regression in 1 of"), std::string::npos);
  EXPECT_NE(html.find("base.json"), std::string::npos);
  EXPECT_NE(html.find("head.json"), std::string::npos);
  EXPECT_NE(html.find("base RSS"), std::string::npos);
  EXPECT_NE(html.find("head RSS"), std::string::npos);
  EXPECT_NE(html.find(">+1<"), std::string::npos);
  EXPECT_NE(html.find("REGRESSED"), std::string::npos);
}

TEST(GbenchJson, OneEntryPerRepetitionPlusAggregates) {
  Report r = make_report();
  json j = json::parse(membench::render::gbench_json(r));
  ASSERT_TRUE(j["benchmarks"].is_array());
  EXPECT_EQ(j["context"]["host_name"], "testhost");
  EXPECT_EQ(j["context"]["date"], "2025-01-02T03:04:05Z");
  // Three completed cases (the failed one is left out) x (5 repetitions + mean, median, stddev).
  EXPECT_EQ(j["benchmarks"].size(), 3u * (5 + 3));
  const json& first = j["benchmarks"][0];
  EXPECT_EQ(first["name"], "hash/full_read/text-4MiB/glibc");
  EXPECT_EQ(first["run_name"], "hash/full_read/text-4MiB/glibc");
  EXPECT_EQ(first["run_type"], "iteration");
  EXPECT_EQ(first["repetitions"], 5);
  EXPECT_EQ(first["repetition_index"], 0);
  EXPECT_EQ(first["iterations"], 12);
  EXPECT_EQ(first["time_unit"], "ns");
  EXPECT_DOUBLE_EQ(first["real_time"].get<double>(), 1.0e6);
  EXPECT_DOUBLE_EQ(first["cpu_time"].get<double>(), 0.9e6);
  EXPECT_DOUBLE_EQ(first["bytes_per_second"].get<double>(), 4.0 * (1 << 20) / 1e-3);
  const json& median = j["benchmarks"][6];
  EXPECT_EQ(median["name"], "hash/full_read/text-4MiB/glibc_median");
  EXPECT_EQ(median["run_type"], "aggregate");
  EXPECT_EQ(median["aggregate_name"], "median");
  EXPECT_DOUBLE_EQ(median["real_time"].get<double>(), 1.0e6);
  for (const json& b : j["benchmarks"]) {
    EXPECT_TRUE(b.contains("real_time"));
    EXPECT_TRUE(b.contains("cpu_time"));
    EXPECT_NE(b["name"].get<std::string>().find("glibc"), std::string::npos);
  }
}

}  // namespace

// A slowdown that lasts is a step, named by the run and commit where it
// began; one slow night is not.
TEST(HtmlReport, TrendNamesTheCommitWhereALastingStepBegan) {
  std::vector<Report> history;
  for (int i = 0; i < 12; ++i) {
    Report r = make_report();
    r.context["git_commit"] = "c0ffee" + std::to_string(10 + i) + "aaaaaaaaaaaa";
    double factor = (i >= 6 ? 1.3 : 1.0) * (i == 3 ? 1.5 : 1.0) * (1 + 0.01 * (i % 3));
    for (CaseResult& c : r.results)
      if (c.time) {
        c.time->median_real_ns *= factor;
        if (c.throughput) c.throughput->bytes_per_second /= factor;
      }
    history.push_back(std::move(r));
  }
  std::string html = membench::render::html_report(history);
  EXPECT_NE(html.find("lasting step"), std::string::npos);
  EXPECT_NE(html.find("commit c0ffee16aaaa"), std::string::npos);  // run #7, the first slow one
  EXPECT_EQ(html.find("commit c0ffee13aaaa"), std::string::npos);  // the single slow night
}
