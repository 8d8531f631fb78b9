// allocations.sites in the report: choosing the top sites, the JSON form
// (sums checked on reading), compare's site changes and how pages show them.
#include <gtest/gtest.h>

#include "analyze/compare.h"
#include "analyze/site_diff.h"
#include "../common/report_builders.h"
#include "render/compare_text.h"
#include "render/html_compare.h"
#include "render/html.h"
#include "render/html_flame.h"
#include "render/markdown.h"
#include "report/json.h"
#include "report/sites.h"

using namespace membench;
using report::AllocationSite;
using report::SiteFrame;

namespace {

AllocationSite site(std::vector<SiteFrame> frames, std::uint64_t count, std::uint64_t bytes, std::uint64_t peak,
                    std::uint64_t temporary = 0, std::uint64_t leaked = 0) {
  AllocationSite s;
  s.frames = std::move(frames);
  s.count = count;
  s.bytes = bytes;
  s.peak_live_bytes = peak;
  s.temporary = temporary;
  s.leaked_bytes = leaked;
  s.threads = {0};
  return s;
}

const SiteFrame kRun{"(anonymous namespace)::run_string_view", "strategies/tokenize_string_view.cpp", 17};
SiteFrame emplace_at(std::uint32_t line) { return {"count_words", "strategies/tokenize_common.h", line}; }
const SiteFrame kNode{"std::__new_allocator<int>::allocate", "/usr/include/c++/12/bits/new_allocator.h", 137};

// A case whose totals are the sum of its sites, as the runner makes it.
report::CaseResult case_with_sites(const std::string& strategy, std::vector<AllocationSite> all, std::uint32_t top) {
  report::CaseResult c = test::make_case("tokenize", strategy);
  AllocationSite sum;
  for (const AllocationSite& s : all) report::add_site(sum, s);
  test::with_allocations(c, sum.count, sum.bytes, sum.peak_live_bytes, sum.temporary);
  c.allocations->leaked_bytes = sum.leaked_bytes;
  c.allocations->sites = report::select_sites(std::move(all), top);
  return c;
}

std::vector<AllocationSite> many_sites() {
  std::vector<AllocationSite> all;
  for (std::uint32_t i = 1; i <= 8; ++i)
    all.push_back(site({kRun, emplace_at(60 + i), kNode}, i * 10, i * 100, i == 2 ? 5000 : 0, i, i == 8 ? 8 : 0));
  return all;
}

}  // namespace

TEST(SitesReport, TopSitesOfEachRankingAreKeptAndTheRestSummed) {
  report::AllocationSites s = report::select_sites(many_sites(), 2);
  // By count and bytes: the sites of lines 68 and 67; by peak: line 62 (the only one with a share).
  ASSERT_EQ(s.entries.size(), 3u);
  EXPECT_EQ(s.entries[0].frames[1].line, 68u);
  EXPECT_EQ(s.entries[1].frames[1].line, 67u);
  EXPECT_EQ(s.entries[2].frames[1].line, 62u);
  EXPECT_EQ(s.other_sites, 5u);
  EXPECT_EQ(s.unique_stacks, 8u);
  EXPECT_EQ(s.other.count, 10u + 30 + 40 + 50 + 60);
  EXPECT_EQ(s.all.size(), 8u);
}

TEST(SitesReport, JsonRoundTripsAndTheSumsMustBeTheTotals) {
  report::Report r = test::make_report({case_with_sites("string_view", many_sites(), 3)});
  nlohmann::json j = report::to_json(r);
  report::Report back = report::from_json(j);
  ASSERT_TRUE(back.results[0].allocations->sites);
  const report::AllocationSites& s = *back.results[0].allocations->sites;
  EXPECT_EQ(s.entries.size() + s.other_sites, 8u);
  EXPECT_EQ(s.entries[0].frames, r.results[0].allocations->sites->entries[0].frames);
  EXPECT_TRUE(s.all.empty());  // the folded files have every site, the JSON the top ones

  nlohmann::json bad = j;
  bad["results"][0]["allocations"]["sites"]["entries"][0]["count"] = 1;
  try {
    report::from_json(bad, "r.json");
    FAIL() << "a report whose sites do not add up was read";
  } catch (const report::ReportError& e) {
    EXPECT_NE(std::string(e.what()).find("the sites' count add up to"), std::string::npos) << e.what();
  }
  bad = j;
  bad["results"][0]["allocations"]["sites"]["other"]["peak_live_bytes"] = 1;
  EXPECT_THROW(report::from_json(bad), report::ReportError);
  bad = j;
  bad["results"][0]["allocations"]["sites"]["entries"][0]["frames"][0]["line"] = "x";
  EXPECT_THROW(report::from_json(bad), report::ReportError);
}

TEST(SitesReport, FoldedStacksHoldEverySiteUnderTheCaseId) {
  std::string text = report::folded_stacks("tokenize/x/d/glibc", many_sites(), report::SiteMetric::peak);
  EXPECT_EQ(text,
            "tokenize/x/d/glibc;(anonymous namespace)::run_string_view (strategies/tokenize_string_view.cpp:17);"
            "count_words (strategies/tokenize_common.h:62);std::__new_allocator<int>::allocate (new_allocator.h:137) "
            "5000\n");
}

TEST(SitesReport, DiffMatchesSitesByFunctionAndFileNotByLine) {
  std::vector<AllocationSite> before = {site({kRun, emplace_at(70), kNode}, 100, 1000, 500),
                                        site({kRun, {"write_sorted", "strategies/tokenize_common.h", 90}}, 1, 800, 800)};
  // The build moved the code down three lines and allocates twice as often at the first site.
  std::vector<AllocationSite> after = {site({kRun, emplace_at(73), kNode}, 200, 2000, 500),
                                       site({kRun, {"write_sorted", "strategies/tokenize_common.h", 93}}, 1, 800, 800)};
  report::CaseResult base = case_with_sites("string_view", before, 10);
  report::CaseResult head = case_with_sites("string_view", after, 10);
  auto d = analyze::diff_sites(base, head);
  ASSERT_TRUE(d);
  ASSERT_EQ(d->changes.size(), 1u);
  EXPECT_TRUE(d->changes[0].in_base && d->changes[0].in_head);
  EXPECT_EQ(d->changes[0].delta(report::SiteMetric::count), 100);
  EXPECT_EQ(d->changes[0].frames[1].line, 73u);  // head's line
  EXPECT_EQ(d->all.size(), 2u);
}

TEST(SitesReport, CompareNamesTheLineThatNowAllocatesMore) {
  report::Report base = test::make_report({case_with_sites("string_view", {site({kRun, emplace_at(70), kNode}, 100, 1000, 500)}, 10)});
  report::Report head = test::make_report({case_with_sites(
      "string_view",
      {site({kRun, emplace_at(70), kNode}, 100, 1000, 500),
       site({kRun, emplace_at(71), {"std::make_unique<>", "/usr/include/c++/12/bits/unique_ptr.h", 1080}}, 55, 880, 0)},
      10)});
  analyze::Comparison c = analyze::compare_reports(base, head);
  std::string md = render::format_markdown(c);
  EXPECT_NE(md.find("#### Allocation sites that changed"), std::string::npos) << md;
  EXPECT_NE(md.find("| +55 | +880 B | 0 B | `strategies/tokenize_common.h:71` |"), std::string::npos) << md;
  std::string term = render::format_terminal(c, false);
  EXPECT_NE(term.find("+55 allocations, +880 B, peak share 0 B  at strategies/tokenize_common.h:71 (new)"),
            std::string::npos)
      << term;
  // No change, no list.
  EXPECT_EQ(render::format_markdown(analyze::compare_reports(base, base)).find("Allocation sites"), std::string::npos);
  // The compare page draws it as a differential flame graph: grown red.
  std::string html = render::compare_html(c);
  EXPECT_NE(html.find("id=\"sites-diff-"), std::string::npos);
  EXPECT_NE(html.find("class=\"dg4\""), std::string::npos);  // the new site's own frame: all growth
  EXPECT_NE(html.find("class=\"dsame\""), std::string::npos);  // the unchanged site's own frames
  // And lists the changed site with its figures and line under the graph.
  EXPECT_NE(html.find("<td class=\"mono\">strategies/tokenize_common.h:71</td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"num v-bad\">+55</td>"), std::string::npos);
}

TEST(SitesReport, ComparisonJsonCarriesEveryChangedSite) {
  report::Report base = test::make_report({case_with_sites("string_view", {site({kRun, emplace_at(70), kNode}, 100, 1000, 500)}, 10)});
  report::Report head = test::make_report({case_with_sites(
      "string_view",
      {site({kRun, emplace_at(72), kNode}, 130, 1300, 600),
       site({kRun, emplace_at(71), {"std::make_unique<>", "/usr/include/c++/12/bits/unique_ptr.h", 1080}}, 55, 880, 0)},
      10)});
  nlohmann::json j = analyze::comparison_to_json(analyze::compare_reports(base, head));
  ASSERT_EQ(j["cases"].size(), 1u);
  const nlohmann::json& changes = j["cases"][0]["site_changes"];
  ASSERT_EQ(changes.size(), 2u) << j.dump(2);
  // Largest count change first: the new site, then the one that grew.
  EXPECT_EQ(changes[0]["where"], "strategies/tokenize_common.h:71");
  EXPECT_EQ(changes[0]["note"], "new");
  EXPECT_EQ(changes[0]["base"]["count"], 0);
  EXPECT_EQ(changes[0]["head"]["count"], 55);
  EXPECT_EQ(changes[0]["frames"][2]["function"], "std::make_unique<>");
  EXPECT_EQ(changes[1]["where"], "strategies/tokenize_common.h:72");  // head's line
  EXPECT_FALSE(changes[1].contains("note"));
  EXPECT_EQ(changes[1]["base"]["bytes"], 1000);
  EXPECT_EQ(changes[1]["head"]["bytes"], 1300);
  EXPECT_EQ(changes[1]["head"]["peak_live_bytes"], 600);
  // Unchanged allocations: no site_changes at all.
  nlohmann::json same = analyze::comparison_to_json(analyze::compare_reports(base, base));
  EXPECT_FALSE(same["cases"].empty() ? false : same["cases"][0].contains("site_changes"));
}

TEST(SitesReport, MarkdownShowsTheTopThreeSitesOfEachCase) {
  report::Report r = test::make_report({case_with_sites("string_view", many_sites(), 10)});
  std::string md = render::results_markdown(r);
  EXPECT_NE(md.find("Top allocation sites"), std::string::npos) << md;
  EXPECT_NE(md.find("`strategies/tokenize_common.h:68`"), std::string::npos) << md;
  EXPECT_NE(md.find("`strategies/tokenize_common.h:66`"), std::string::npos) << md;
  EXPECT_EQ(md.find("`strategies/tokenize_common.h:65`"), std::string::npos) << md;  // the fourth
}

TEST(SitesReport, PageDrawsEachCaseWithASwitchBetweenTheThreeFigures) {
  report::Report r = test::make_report({case_with_sites("string_view", many_sites(), 3)});
  std::string html = render::html_report({r});
  EXPECT_NE(html.find("<h3>Allocation sites"), std::string::npos);
  for (const char* m : {"count", "bytes", "peak"})
    EXPECT_NE(html.find(std::string("class=\"flame-panel\" data-metric=\"") + m + "\""), std::string::npos) << m;
  EXPECT_NE(html.find("[4 other sites]"), std::string::npos);  // kept: the top 3 by count and bytes, 1 by peak
}
