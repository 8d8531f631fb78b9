#include "report/json.h"

#include <gtest/gtest.h>

#include "../common/report_builders.h"

using namespace membench::report;
using nlohmann::json;

namespace {
Report sample() {
  Report r;
  r.context = {{"host", "h"}};
  CaseResult c = membench::test::make_case("hash", "stream");
  c.params = {{"buffer_bytes", 8192}};
  c.output_digest = "00ff";
  c.time = TimeStats{};
  c.time->repetitions = 3;
  c.time->real_ns = {1, 2, 3};
  c.time->cpu_ns = {1, 2, 3};
  c.time->median_real_ns = 2;
  c.time->cv = 0.5;
  c.time->iterations = 10;
  c.time->per_process = {ProcessSamples{{1, 2}, {1, 2}, 10}, ProcessSamples{{3}, {3}, 10}};
  c.time->warmup_seconds = 0.05;
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
  EXPECT_EQ(j["schema"], "membench.report/2");
  EXPECT_EQ(j["results"][0]["params"]["buffer_bytes"], 8192);
  EXPECT_EQ(j["results"][0]["time"]["processes"], 2);
  EXPECT_EQ(j["results"][0]["time"]["process_medians_ns"], json({1.5, 3.0}));
  EXPECT_EQ(j["results"][0]["time"]["warmup"]["min_seconds"], 0.05);
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
  other["schema"] = "membench.report/3";
  EXPECT_THROW(from_json(other), ReportError);
}

// Version 1 reports (one timed process, no per-process samples) stay readable:
// their repetitions become the samples of one process.
TEST(ReportJson, ReadsVersionOneAsOneTimedProcess) {
  json j = to_json(sample());
  j["schema"] = "membench.report/1";
  for (const char* key : {"processes", "warmup", "per_process", "process_medians_ns"})
    j["results"][0]["time"].erase(key);
  Report r = from_json(j);
  ASSERT_TRUE(r.results[0].time);
  ASSERT_EQ(r.results[0].time->per_process.size(), 1u);
  EXPECT_EQ(r.results[0].time->per_process[0].real_ns, (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(to_json(r)["schema"], "membench.report/2");
}

TEST(ReportJson, RejectsPerProcessSamplesThatDisagreeWithThePool) {
  json j = to_json(sample());
  j["results"][0]["time"]["per_process"][1]["real_ns"] = json::array();
  EXPECT_THROW(from_json(j), ReportError);
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
