// Joining shard reports (report/merge.h): what is kept, what is unioned, what
// is refused. tests/integration/report_cli_test.cpp runs `membench merge` on files.
#include "report/merge.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../common/report_builders.h"

namespace {

using membench::report::merge_reports;
using membench::report::MergeError;
using membench::report::MergeInput;
using membench::report::MergeResult;
using membench::report::Report;
using membench::report::ScalingFit;
using membench::test::make_case;
using membench::test::make_report;
using nlohmann::json;

// Shard `shard` ("I/N", or "" for none) of one run, holding cases of `strategies` (hash/…).
Report shard(const std::string& shard, const std::vector<std::string>& strategies) {
  std::vector<membench::report::CaseResult> cases;
  for (const std::string& s : strategies) cases.push_back(make_case("hash", s));
  json context = {{"suite", "default"}, {"membench_version", "0.1.0"}, {"git_commit", "abc"},
                  {"build_id", "b1"}, {"host", "runner-" + shard}};
  if (!shard.empty()) context["shard"] = shard;
  return make_report(std::move(cases), context);
}

std::vector<MergeInput> inputs(std::vector<std::pair<std::string, Report>> reports) {
  std::vector<MergeInput> out;
  for (auto& [source, report] : reports) out.push_back({source, std::move(report)});
  return out;
}

std::vector<std::string> ids(const Report& r) {
  std::vector<std::string> out;
  for (const auto& c : r.results) out.push_back(c.strategy);
  return out;
}

// The message of the MergeError that merging `in` throws, or "" when it merges.
std::string refusal(std::vector<MergeInput> in) {
  try {
    merge_reports(std::move(in));
  } catch (const MergeError& e) {
    return e.what();
  }
  return "";
}

ScalingFit fit(const std::string& strategy, std::vector<std::pair<double, double>> points, double slope) {
  return {"hash", strategy, "glibc", "memory.peak_rss_delta_bytes", std::move(points), slope, 0, 1, "O(n)"};
}

TEST(Merge, ShardsOfOneRunAreJoined) {
  MergeResult m = merge_reports(inputs({{"a.json", shard("1/2", {"full_read", "mmap"})},
                                        {"b.json", shard("2/2", {"stream"})}}));
  EXPECT_EQ(ids(m.report), (std::vector<std::string>{"full_read", "mmap", "stream"}));
  EXPECT_TRUE(m.warnings.empty());
  const json& ctx = m.report.context;
  EXPECT_FALSE(ctx.contains("shard"));
  EXPECT_EQ(ctx["merged_shards"], json({"1/2", "2/2"}));
  EXPECT_EQ(ctx["git_commit"], "abc");
  // What differs per shard is kept per shard, beside the first shard's context.
  EXPECT_EQ(ctx["host"], "runner-1/2");
  ASSERT_EQ(ctx["shard_contexts"].size(), 2u);
  EXPECT_EQ(ctx["shard_contexts"][1]["host"], "runner-2/2");
  EXPECT_EQ(ctx["shard_contexts"][0]["shard"], "1/2");
  EXPECT_FALSE(ctx["shard_contexts"][0].contains("git_commit"));
}

TEST(Merge, CasesFollowShardOrderWhateverTheInputOrder) {
  MergeResult m = merge_reports(inputs({{"c.json", shard("3/3", {"stream"})},
                                        {"a.json", shard("1/3", {"mmap"})},
                                        {"b.json", shard("2/3", {"full_read"})}}));
  EXPECT_EQ(ids(m.report), (std::vector<std::string>{"mmap", "full_read", "stream"}));
  EXPECT_EQ(m.report.context["merged_shards"], json({"1/3", "2/3", "3/3"}));
}

TEST(Merge, ReportsWithoutShardIndexKeepTheirOrder) {
  MergeResult m = merge_reports(inputs({{"b.json", shard("", {"stream"})}, {"a.json", shard("", {"mmap"})}}));
  EXPECT_EQ(ids(m.report), (std::vector<std::string>{"stream", "mmap"}));
  EXPECT_FALSE(m.report.context.contains("merged_shards"));
  EXPECT_TRUE(m.warnings.empty());
}

TEST(Merge, SomeInputsWithAShardIndexAndSomeWithoutIsAWarning) {
  MergeResult m = merge_reports(inputs({{"b.json", shard("2/2", {"stream"})}, {"a.json", shard("", {"mmap"})}}));
  EXPECT_EQ(ids(m.report), (std::vector<std::string>{"stream", "mmap"}));
  ASSERT_EQ(m.warnings.size(), 1u);
  EXPECT_NE(m.warnings[0].find("some inputs carry context.shard"), std::string::npos);
}

TEST(Merge, MissingShardsAreAWarning) {
  MergeResult m = merge_reports(inputs({{"a.json", shard("1/3", {"mmap"})}, {"c.json", shard("3/3", {"stream"})}}));
  ASSERT_EQ(m.warnings.size(), 1u);
  EXPECT_NE(m.warnings[0].find("shard(s) 2/3 not given"), std::string::npos) << m.warnings[0];
}

TEST(Merge, OneReportIsKeptAsItIs) {
  Report one = shard("1/1", {"stream"});
  json context = one.context;
  MergeResult m = merge_reports(inputs({{"a.json", std::move(one)}}));
  EXPECT_EQ(m.report.context, context);
  EXPECT_EQ(ids(m.report), std::vector<std::string>{"stream"});
}

TEST(Merge, ADuplicateCaseIdIsRefused) {
  std::string why = refusal(inputs({{"a.json", shard("1/2", {"stream", "mmap"})},
                                    {"b.json", shard("2/2", {"mmap"})}}));
  EXPECT_EQ(why, "b.json: case hash/mmap/text-1MiB/glibc is also in a.json (duplicate case id)");
}

TEST(Merge, ADifferentSchemaIsRefused) {
  Report old = shard("2/2", {"mmap"});
  old.schema = membench::report::kSchemaV1;
  std::string why = refusal(inputs({{"a.json", shard("1/2", {"stream"})}, {"b.json", std::move(old)}}));
  EXPECT_NE(why.find("b.json: schema 'membench.report/1' differs from"), std::string::npos) << why;
  EXPECT_NE(why.find("in a.json (not shards of one run)"), std::string::npos) << why;
}

TEST(Merge, ReportsOfDifferentRunsAreRefused) {
  for (const char* key : {"suite", "membench_version", "git_commit", "build_id"}) {
    Report other = shard("2/2", {"mmap"});
    other.context[key] = "other";
    std::string why = refusal(inputs({{"a.json", shard("1/2", {"stream"})}, {"b.json", std::move(other)}}));
    EXPECT_NE(why.find(std::string("b.json: context.") + key), std::string::npos) << why;
    EXPECT_NE(why.find("(not shards of one run)"), std::string::npos) << why;
  }
  // A key one report lacks differs too.
  Report absent = shard("2/2", {"mmap"});
  absent.context.erase("build_id");
  std::string why = refusal(inputs({{"a.json", shard("1/2", {"stream"})}, {"b.json", std::move(absent)}}));
  EXPECT_NE(why.find("context.build_id (absent) differs from 'b1'"), std::string::npos) << why;
}

TEST(Merge, TheSameShardTwiceOrShardsOfDifferentSplitsAreRefused) {
  EXPECT_EQ(refusal(inputs({{"a.json", shard("1/2", {"stream"})}, {"b.json", shard("1/2", {"mmap"})}})),
            "b.json: shard 1/2 is also a.json");
  EXPECT_EQ(refusal(inputs({{"a.json", shard("1/2", {"stream"})}, {"b.json", shard("2/3", {"mmap"})}})),
            "b.json: shard 2/3 belongs to a split into 3, a.json to one into 2");
}

TEST(Merge, AMalformedShardIsRefused) {
  for (const char* bad : {"0/2", "3/2", "x/y", "1/2x", "1"}) {
    std::string why = refusal(inputs({{"a.json", shard(bad, {"stream"})}}));
    EXPECT_EQ(why, std::string("a.json: context.shard '") + bad + "' is not of the form I/N");
  }
  Report number = shard("", {"stream"});
  number.context["shard"] = 1;
  EXPECT_EQ(refusal(inputs({{"a.json", std::move(number)}})), "a.json: context.shard is not a string \"I/N\"");
}

TEST(Merge, NothingToMergeIsRefused) { EXPECT_EQ(refusal({}), "no report to merge"); }

TEST(Merge, DatasetsAllocatorsAndWorkloadsAreUnioned) {
  Report a = shard("1/2", {"stream"}), b = shard("2/2", {"mmap"});
  a.context["datasets"] = {{"text-1MiB", {{"sha256", "aa"}}}};
  b.context["datasets"] = {{"text-1MiB", {{"sha256", "aa"}}}, {"csv-1MiB", {{"sha256", "bb"}}}};
  a.context["allocators"] = {{"glibc", {{"version", "2.36"}}}};
  b.context["allocators"] = {{"jemalloc", {{"version", "5.3.0"}}}};
  a.context["workloads"] = {{"hash", {{"reference_strategy", "stream"}}}};
  b.context["workloads"] = {{"hash", {{"reference_strategy", "stream"}}}};
  MergeResult m = merge_reports(inputs({{"a.json", std::move(a)}, {"b.json", std::move(b)}}));
  const json& ctx = m.report.context;
  EXPECT_EQ(ctx["datasets"], json({{"text-1MiB", {{"sha256", "aa"}}}, {"csv-1MiB", {{"sha256", "bb"}}}}));
  EXPECT_EQ(ctx["allocators"], json({{"glibc", {{"version", "2.36"}}}, {"jemalloc", {{"version", "5.3.0"}}}}));
  EXPECT_EQ(ctx["workloads"], json({{"hash", {{"reference_strategy", "stream"}}}}));
  // The unions hold them: nothing of them is repeated per shard.
  for (const json& per_shard : ctx["shard_contexts"])
    for (const char* key : {"datasets", "allocators", "workloads"}) EXPECT_FALSE(per_shard.contains(key)) << key;
}

// A dataset two shards describe differently (a user file that changed between
// machines): no union hides that, each shard keeps its own description.
TEST(Merge, ADatasetDescribedDifferentlyStaysPerShard) {
  Report a = shard("1/2", {"stream"}), b = shard("2/2", {"mmap"});
  a.context["datasets"] = {{"text-1MiB", {{"sha256", "aa"}}}};
  b.context["datasets"] = {{"text-1MiB", {{"sha256", "cc"}}}};
  a.context["workloads"] = {{"hash", {{"reference_strategy", "stream"}}}};
  b.context["workloads"] = {{"hash", {{"reference_strategy", "stream"}}}};
  MergeResult m = merge_reports(inputs({{"a.json", std::move(a)}, {"b.json", std::move(b)}}));
  const json& ctx = m.report.context;
  EXPECT_EQ(ctx["datasets"]["text-1MiB"]["sha256"], "aa");  // the first shard's context
  EXPECT_EQ(ctx["shard_contexts"][0]["datasets"]["text-1MiB"]["sha256"], "aa");
  EXPECT_EQ(ctx["shard_contexts"][1]["datasets"]["text-1MiB"]["sha256"], "cc");
  EXPECT_FALSE(ctx["shard_contexts"][1].contains("workloads"));  // still unioned
}

TEST(Merge, IdenticalFitsAreKeptOnceDifferentOnesByTheMorePoints) {
  Report a = shard("1/2", {"stream"}), b = shard("2/2", {"mmap"});
  a.scaling = {fit("stream", {{1, 1}, {2, 2}, {4, 4}}, 1), fit("mmap", {{1, 1}, {2, 2}}, 1)};
  b.scaling = {fit("stream", {{1, 1}, {2, 2}, {4, 4}}, 1), fit("mmap", {{1, 1}, {2, 2}, {4, 5}}, 1.2)};
  MergeResult m = merge_reports(inputs({{"a.json", std::move(a)}, {"b.json", std::move(b)}}));
  ASSERT_EQ(m.report.scaling.size(), 2u);
  EXPECT_EQ(m.report.scaling[1].strategy, "mmap");
  EXPECT_EQ(m.report.scaling[1].points.size(), 3u);
  EXPECT_EQ(m.report.scaling[1].slope, 1.2);
  ASSERT_EQ(m.warnings.size(), 1u);
  EXPECT_NE(m.warnings[0].find("scaling hash/mmap/glibc memory.peak_rss_delta_bytes differs between shards"),
            std::string::npos)
      << m.warnings[0];
}

}  // namespace
