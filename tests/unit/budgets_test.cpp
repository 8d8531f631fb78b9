// Budgets (docs/budgets.md): the file format, the suppressions format and the
// judge, on hand-built reports whose figures are known.
#include <gtest/gtest.h>

#include "analyze/budgets.h"
#include "core/strategy.h"
#include "report/json.h"
#include "report/metrics.h"

namespace {

using namespace membench;
using analyze::BudgetError;
using analyze::BudgetRules;

report::CaseResult ok_case(const std::string& workload, const std::string& strategy) {
  report::CaseResult c;
  c.workload = workload;
  c.strategy = strategy;
  c.dataset = "text-1MiB";
  c.allocator = "glibc";
  c.id = report::case_id(c.workload, c.strategy, c.dataset, c.allocator);
  c.input_bytes = 1 << 20;
  c.input_items = 1000;
  c.memory = report::MemoryStats{};
  c.memory->peak_rss_delta_bytes = 8192;
  c.allocations = report::Allocations{};
  c.allocations->count = 1001;
  c.allocations->bytes = 64000;
  return c;
}

report::AllocationSite leaking_site(const std::string& function, const std::string& file, std::uint64_t bytes) {
  report::AllocationSite s;
  s.frames = {{function, file, 12}, {"malloc", "", 0}};
  s.count = 1;
  s.bytes = bytes;
  s.leaked_bytes = bytes;
  return s;
}

std::string error_of(const std::string& text) {
  try {
    analyze::parse_budgets(text, "b.budgets");
  } catch (const BudgetError& e) {
    return e.what();
  }
  return "";
}

TEST(Budgets, ParsesPatternsMetricsOperatorsAndUnits) {
  auto budgets = analyze::parse_budgets(
      "# the README's claims\n"
      "^hash/stream/  memory.peak_rss_delta_bytes <= 64KiB   # 8 KiB buffer\n"
      "\n"
      "^fields/vector_reserve/ allocations.count_per_item <= 1.01\n"
      "hash/full_read memory.peak_rss_delta_per_input_byte <= 110%\n"
      ". throughput.bytes_per_second >= 1MB/s\n"
      ". time.median_real_ns <= 2ms\n",
      "b.budgets");
  ASSERT_EQ(budgets.size(), 5u);
  EXPECT_EQ(budgets[0].metric->id, report::MetricId::peak_rss_delta);
  EXPECT_EQ(budgets[0].limit, 65536);
  EXPECT_EQ(budgets[0].source, "b.budgets:2");
  EXPECT_DOUBLE_EQ(budgets[1].limit, 1.01);
  EXPECT_DOUBLE_EQ(budgets[2].limit, 1.10);
  EXPECT_EQ(budgets[3].op, analyze::BudgetOp::at_least);
  EXPECT_DOUBLE_EQ(budgets[3].limit, 1e6);
  EXPECT_DOUBLE_EQ(budgets[4].limit, 2e6);
}

TEST(Budgets, BadLinesNameFileAndLine) {
  EXPECT_EQ(error_of("\n. nosuch.metric <= 1\n").rfind("b.budgets:2: unknown metric 'nosuch.metric'", 0), 0u);
  EXPECT_EQ(error_of(". allocations.count < 1\n"), "b.budgets:1: '<' is not <= or >=");
  EXPECT_EQ(error_of("( allocations.count <= 1\n").rfind("b.budgets:1: invalid regular expression '('", 0), 0u);
  EXPECT_EQ(error_of(". allocations.count <= 1 extra\n"),
            "b.budgets:1: expected PATTERN METRIC <= VALUE (or >=), found 5 words");
  EXPECT_EQ(error_of(". allocations.count <= 64KiB\n").rfind("b.budgets:1: '64KiB' is not a value >= 0", 0), 0u);
  EXPECT_EQ(error_of(". memory.peak_rss_delta_bytes <= -1\n").rfind("b.budgets:1: '-1' is not", 0), 0u);
  EXPECT_EQ(error_of(". memory.peak_rss_delta_bytes <= 5%\n").rfind("b.budgets:1: '5%' is not", 0), 0u);
}

TEST(Budgets, SuppressionsReadLeakLinesOnly) {
  auto rules = analyze::parse_suppressions("# known\nleak:selftest_faults.cpp\n  leak:^std::*alloc$ # anchored\n",
                                           "s.supp");
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].pattern, "selftest_faults.cpp");
  EXPECT_EQ(rules[1].source, "s.supp:3");
  try {
    analyze::parse_suppressions("race:foo\n", "s.supp");
    FAIL() << "a race: line must be refused";
  } catch (const BudgetError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("s.supp:1: expected leak:PATTERN", 0), 0u);
  }
}

TEST(Budgets, SuppressionMatchingFollowsLeakSanitizer) {
  auto site = leaking_site("membench::selftest::leak", "strategies/selftest_faults.cpp", 10);
  EXPECT_TRUE(analyze::suppression_matches("selftest_faults.cpp", site));   // a substring of the file
  EXPECT_TRUE(analyze::suppression_matches("selftest::leak", site));        // of the function
  EXPECT_TRUE(analyze::suppression_matches("^membench::*::leak$", site));   // anchored, with a wildcard
  EXPECT_TRUE(analyze::suppression_matches("malloc", site));                // any frame
  EXPECT_FALSE(analyze::suppression_matches("^selftest", site));
  EXPECT_FALSE(analyze::suppression_matches("leak$x", site));
  EXPECT_FALSE(analyze::suppression_matches("hash_stream.cpp", site));
}

TEST(Budgets, JudgeMarksOverBudgetWithMetricLimitAndValue) {
  report::Report rep;
  rep.results = {ok_case("hash", "stream"), ok_case("fields", "vector_reserve")};
  rep.results[0].memory->peak_rss_delta_bytes = 2 << 20;  // grew with the input
  BudgetRules rules;
  rules.budgets = analyze::parse_budgets(
      "^hash/stream/ memory.peak_rss_delta_bytes <= 64KiB\n"
      "^fields/ allocations.count_per_item <= 1.01\n"
      "^fields/ allocations.bytes_per_item <= 10\n",
      "b.budgets");
  EXPECT_EQ(analyze::judge_budgets(rep, rules), 2);
  ASSERT_TRUE(rep.results[0].budget);
  ASSERT_EQ(rep.results[0].budget->checks.size(), 1u);
  const report::BudgetCheck& rss = rep.results[0].budget->checks[0];
  EXPECT_TRUE(rss.over);
  EXPECT_EQ(analyze::describe_check(rss),
            "peak RSS Δ 2.00 MiB > limit 64.0 KiB (memory.peak_rss_delta_bytes, b.budgets:1)");
  ASSERT_EQ(rep.results[1].budget->checks.size(), 2u);
  EXPECT_FALSE(rep.results[1].budget->checks[0].over);  // 1.001 per item
  EXPECT_DOUBLE_EQ(*rep.results[1].budget->checks[0].value, 1.001);
  EXPECT_TRUE(rep.results[1].budget->checks[1].over);  // 64 bytes per item
  EXPECT_EQ(analyze::cases_over_budget(rep), 2);
  EXPECT_EQ(rep.context["budgets"]["budgets"], 3);
}

TEST(Budgets, AFigureTheCaseLacksIsNotJudged) {
  report::Report rep;
  rep.results = {ok_case("hash", "stream")};
  rep.results[0].input_items = 0;  // hash counts no items
  BudgetRules rules;
  rules.budgets = analyze::parse_budgets(". allocations.count_per_item <= 1\n", "b");
  EXPECT_EQ(analyze::judge_budgets(rep, rules), 0);
  ASSERT_TRUE(rep.results[0].budget);
  EXPECT_FALSE(rep.results[0].budget->checks[0].value);
  EXPECT_FALSE(rep.results[0].budget->over());
}

TEST(Budgets, LeaksAreGatedPerSiteAndSuppressedOnesListed) {
  report::Report rep;
  rep.results = {ok_case("selftest", "leak")};
  report::Allocations& a = *rep.results[0].allocations;
  a.leaked_bytes = 1000 + 24;
  report::AllocationSites sites;
  sites.entries = {leaking_site("membench::selftest::leak", "strategies/selftest_faults.cpp", 1000),
                   leaking_site("membench::tokenize::keep", "strategies/tokenize_arena.cpp", 24)};
  a.sites = sites;
  BudgetRules rules;
  rules.budgets = analyze::parse_budgets(". allocations.leaked_bytes <= 0\n", "b");
  EXPECT_EQ(analyze::judge_budgets(rep, rules), 1);
  EXPECT_EQ(*rep.results[0].budget->checks[0].value, 1024);
  ASSERT_EQ(rep.results[0].budget->leaks.size(), 2u);

  rules.suppressions = analyze::parse_suppressions("leak:tokenize_arena.cpp\n", "s.supp");
  EXPECT_EQ(analyze::judge_budgets(rep, rules), 1);
  EXPECT_EQ(*rep.results[0].budget->checks[0].value, 1000);  // the unsuppressed site alone
  EXPECT_EQ(rep.results[0].budget->leaks[1].suppressed_by, "leak:tokenize_arena.cpp (s.supp:1)");

  rules.suppressions = analyze::parse_suppressions("leak:selftest\nleak:tokenize\n", "s.supp");
  EXPECT_EQ(analyze::judge_budgets(rep, rules), 0);
  EXPECT_EQ(*rep.results[0].budget->checks[0].value, 0);
  ASSERT_EQ(rep.results[0].budget->leaks.size(), 2u);  // listed, never hidden
  EXPECT_EQ(analyze::describe_leak(rep.results[0].budget->leaks[0]),
            "1000 B at membench::selftest::leak (strategies/selftest_faults.cpp:12), suppressed by leak:selftest "
            "(s.supp:1)");
}

TEST(Budgets, VerdictsSurviveTheReportJson) {
  report::Report rep;
  rep.results = {ok_case("hash", "stream")};
  rep.results[0].memory->peak_rss_delta_bytes = 1 << 20;
  BudgetRules rules;
  rules.budgets = analyze::parse_budgets("^hash/ memory.peak_rss_delta_bytes <= 64KiB\n", "b");
  analyze::judge_budgets(rep, rules);
  nlohmann::json j = report::to_json(rep);
  EXPECT_EQ(j["results"][0]["budget"]["verdict"], "over budget");
  report::Report back = report::from_json(j, "r.json");
  ASSERT_TRUE(back.results[0].budget);
  EXPECT_TRUE(back.results[0].budget->over());
  EXPECT_EQ(back.results[0].budget->checks[0].source, "b:1");
  j["results"][0]["budget"]["verdict"] = "within budget";
  EXPECT_THROW(report::from_json(j, "r.json"), report::ReportError);
}

TEST(Budgets, EveryBudgetDeclaredWithAStrategyNamesAKnownMetricAndStrategy) {
  std::vector<analyze::Budget> declared = analyze::registered_budgets();
  ASSERT_FALSE(declared.empty());  // hash/stream declares its claim
  for (const analyze::Budget& b : declared) {
    EXPECT_NE(find_strategy(b.workload, b.strategy), nullptr) << b.workload << "/" << b.strategy;
    EXPECT_EQ(b.source, "registration");
  }
}

}  // namespace
