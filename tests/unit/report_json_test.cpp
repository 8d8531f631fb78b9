#include "report/json.h"

#include <gtest/gtest.h>

using namespace membench::report;
using nlohmann::json;

namespace {
Report sample() {
  Report r;
  r.context = {{"host", "h"}};
  CaseResult c;
  c.workload = "hash";
  c.strategy = "stream";
  c.dataset = "text-1MiB";
  c.allocator = "glibc";
  c.id = case_id(c.workload, c.strategy, c.dataset, c.allocator);
  c.params = {{"buffer_bytes", 8192}};
  c.input_bytes = 1 << 20;
  c.output_digest = "00ff";
  c.time = TimeStats{3, {1, 2, 3}, {1, 2, 3}, 2, 0.5, 10};
  c.throughput = Throughput{5e8, std::nullopt};
  c.memory = MemoryStats{};
  c.memory->peak_rss_bytes = 100;
  c.allocations = Allocations{6, 8400, 8300, 3, 0, 0};
  c.timeline = Timeline{1.0, {1, 2}, {1, 1}, {0, 1}};
  r.results.push_back(c);
  ScalingFit f{"hash", "stream", "glibc", "memory.peak_rss_delta_bytes", {{1, 2}, {2, 2}, {3, 2}}, 0, 2, 1, "O(1)"};
  r.scaling.push_back(f);
  return r;
}
}  // namespace

TEST(ReportJson, RoundTripsEveryField) {
  Report r = sample();
  json j = to_json(r);
  EXPECT_EQ(j["schema"], "membench.report/1");
  EXPECT_EQ(j["results"][0]["params"]["buffer_bytes"], 8192);
  EXPECT_EQ(j["scaling"][0]["class"], "O(1)");
  Report back = from_json(j);
  EXPECT_EQ(to_json(back), j);
}

TEST(ReportJson, KeepsFieldsItDoesNotKnow) {
  json j = to_json(sample());
  j["results"][0]["future_metric"] = {{"x", 1}};
  EXPECT_EQ(to_json(from_json(j)), j);
}

TEST(ReportJson, RejectsWhatIsNotAReport) {
  EXPECT_THROW(from_json(json::array()), ReportError);
  EXPECT_THROW(from_json(json{{"a", 1}}), ReportError);
  json other = to_json(sample());
  other["schema"] = "membench.report/2";
  EXPECT_THROW(from_json(other), ReportError);
}

TEST(ReportJson, RejectsNegativeNanAndMissingFigures) {
  json j = to_json(sample());
  j["results"][0]["allocations"]["count"] = -1;
  EXPECT_THROW(from_json(j), ReportError);
  j = to_json(sample());
  j["results"][0]["memory"]["peak_rss_bytes"] = nullptr;  // NaN is written as null
  EXPECT_THROW(from_json(j), ReportError);
  j = to_json(sample());
  j["results"][0]["time"].erase("median_real_ns");
  EXPECT_THROW(from_json(j), ReportError);
  j = to_json(sample());
  j["results"][0]["id"] = "hash/other/text-1MiB/glibc";
  EXPECT_THROW(from_json(j), ReportError);
  j = to_json(sample());
  j["results"][0]["status"] = "great";
  try {
    from_json(j, "x.json");
    FAIL();
  } catch (const ReportError& e) {
    EXPECT_NE(std::string(e.what()).find("x.json"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("great"), std::string::npos);
  }
}
