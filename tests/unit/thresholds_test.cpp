// The thresholds file: its defaults, groups and overrides, and the mistakes
// it refuses. How a threshold judges a change is in compare_test.cpp.
#include "analyze/compare.h"

#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

namespace {

using membench::analyze::parse_thresholds;
using membench::analyze::ThresholdError;
using membench::analyze::Thresholds;
using nlohmann::json;

}  // namespace

TEST(Thresholds, DefaultsFollowTheContract) {
  Thresholds t;
  EXPECT_DOUBLE_EQ(t.for_case("x", "allocations.count").relative, 0);
  EXPECT_DOUBLE_EQ(t.for_case("x", "allocations.count").absolute, 0);
  EXPECT_DOUBLE_EQ(t.for_case("x", "time.median_real_ns").relative, 0.05);
  EXPECT_DOUBLE_EQ(t.for_case("x", "throughput.bytes_per_second").relative, 0.05);
  EXPECT_DOUBLE_EQ(t.for_case("x", "memory.peak_rss_delta_bytes").relative, 0.05);
  EXPECT_DOUBLE_EQ(t.for_case("x", "memory.peak_rss_delta_bytes").absolute, 256 * 1024);
  EXPECT_DOUBLE_EQ(t.alpha, 0.05);
  EXPECT_EQ(t.min_repetitions, 5u);
}

TEST(Thresholds, ParsesDefaultsGroupsAndOverrides) {
  json j = json::parse(R"({
    "defaults": {"time": 0.1, "allocations": {"relative": 0.01}, "allocations.count": 0,
                 "rss": {"relative": 0.08, "absolute": 1048576}},
    "significance": {"alpha": 0.01, "min_repetitions": 7},
    "overrides": [
      {"pattern": "^hash/", "metric": "memory.peak_rss_delta_bytes", "relative": 0.2, "absolute_bytes": 2097152},
      {"pattern": "/jemalloc$", "metric": ["time", "throughput"], "ignore": true}
    ]})");
  Thresholds t = parse_thresholds(j, "t.json");
  EXPECT_DOUBLE_EQ(t.for_case("tokenize/a/b/glibc", "time.median_real_ns").relative, 0.1);
  // The single-metric entry wins over its group whatever the key order.
  EXPECT_DOUBLE_EQ(t.for_case("tokenize/a/b/glibc", "allocations.count").relative, 0);
  EXPECT_DOUBLE_EQ(t.for_case("tokenize/a/b/glibc", "allocations.bytes").relative, 0.01);
  EXPECT_DOUBLE_EQ(t.for_case("tokenize/a/b/glibc", "memory.peak_rss_delta_bytes").absolute, 1048576);
  EXPECT_DOUBLE_EQ(t.for_case("hash/a/b/glibc", "memory.peak_rss_delta_bytes").relative, 0.2);
  EXPECT_DOUBLE_EQ(t.for_case("hash/a/b/glibc", "memory.peak_rss_delta_bytes").absolute, 2097152);
  EXPECT_TRUE(t.for_case("hash/a/b/jemalloc", "throughput.bytes_per_second").ignore);
  EXPECT_TRUE(t.for_case("hash/a/b/jemalloc", "time.median_real_ns").ignore);
  EXPECT_FALSE(t.for_case("hash/a/b/glibc", "time.median_real_ns").ignore);
  EXPECT_DOUBLE_EQ(t.alpha, 0.01);
  EXPECT_EQ(t.min_repetitions, 7u);
}

TEST(Thresholds, UnknownMetricIsAnError) {
  EXPECT_THROW(parse_thresholds(json::parse(R"({"defaults": {"allocations.cnt": 0}})"), "t.json"), ThresholdError);
  EXPECT_THROW(parse_thresholds(json::parse(R"({"overrides": [{"pattern": "x", "metric": "speed", "relative": 1}]})"),
                                "t.json"),
               ThresholdError);
  try {
    parse_thresholds(json::parse(R"({"defaults": {"allocations.cnt": 0}})"), "t.json");
  } catch (const ThresholdError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("t.json"), std::string::npos);
    EXPECT_NE(what.find("allocations.cnt"), std::string::npos);
    EXPECT_EQ(what.find('\n'), std::string::npos);
  }
}

TEST(Thresholds, OtherMistakesAreErrors) {
  const char* bad[] = {
      R"([1, 2])",
      R"({"default": {}})",
      R"({"defaults": {"time": -0.1}})",
      R"({"defaults": {"time": "5%"}})",
      R"({"defaults": {"time": {"relativ": 0.1}}})",
      R"({"overrides": [{"metric": "time", "relative": 0.1}]})",
      R"({"overrides": [{"pattern": "([", "metric": "time", "relative": 0.1}]})",
      R"({"overrides": [{"pattern": "x", "metric": "time"}]})",
      R"({"significance": {"alpha": 1.5}})",
  };
  for (const char* text : bad)
    EXPECT_THROW(parse_thresholds(json::parse(text), "t.json"), ThresholdError) << text;
}
