// `run --bmf` against the Bencher Metric Format as Bencher documents it
// (docs/budgets.md, "Export to Bencher"): an object of benchmarks, each an
// object of measures, each an object with a number `value` and optional
// number `lower_value` and `upper_value`; names non-empty, a benchmark's at
// most 1024 characters, a measure's at most 64. And it holds what the report
// holds: every completed case, every catalogue figure, the same values.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>

#include "process_helpers.h"

namespace {

using nlohmann::json;

// The documented shape; returns what breaks it, "" when nothing does.
std::string bmf_violation(const json& bmf) {
  if (!bmf.is_object()) return "top level is not an object";
  for (auto b = bmf.begin(); b != bmf.end(); ++b) {
    if (b.key().empty() || b.key().size() > 1024) return "benchmark name length: " + b.key();
    if (!b.value().is_object()) return b.key() + ": not an object";
    for (auto m = b.value().begin(); m != b.value().end(); ++m) {
      const std::string where = b.key() + " " + m.key();
      if (m.key().empty() || m.key().size() > 64) return where + ": measure name length";
      const json& metric = m.value();
      if (!metric.is_object() || !metric.contains("value")) return where + ": no value";
      for (auto f = metric.begin(); f != metric.end(); ++f) {
        if (f.key() != "value" && f.key() != "lower_value" && f.key() != "upper_value") return where + ": " + f.key();
        if (!f.value().is_number()) return where + "." + f.key() + ": not a number";
      }
      const double v = metric["value"];
      if (metric.contains("lower_value") != metric.contains("upper_value")) return where + ": half an interval";
      if (metric.contains("lower_value") && !(metric["lower_value"].get<double>() <= v && v <= metric["upper_value"].get<double>()))
        return where + ": value outside its interval";
    }
  }
  return "";
}

TEST(BmfExport, RunWritesTheBencherMetricFormatWithEveryCaseAndFigure) {
  std::string dir = test_dir("bmf_export");
  CommandResult r = run_membench({"run", "--filter", "^(hash/stream|tokenize/string_view)/", "--dataset", "text-1MiB",
                                  "--processes", "3", "--repetitions", "2", "--min-time", "0.01", "--out",
                                  dir + "/r.json", "--bmf", dir + "/r.bmf.json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json rep = json::parse(read_text(dir + "/r.json"));
  json bmf = json::parse(read_text(dir + "/r.bmf.json"));
  EXPECT_EQ(bmf_violation(bmf), "");
  ASSERT_EQ(bmf.size(), rep["results"].size());
  for (const json& c : rep["results"]) {
    const std::string id = c["id"];
    ASSERT_TRUE(bmf.contains(id)) << id;
    const json& measures = bmf[id];
    EXPECT_EQ(measures["memory.peak_rss_delta_bytes"]["value"], c["memory"]["peak_rss_delta_bytes"]) << id;
    EXPECT_EQ(measures["time.median_real_ns"]["value"], c["time"]["median_real_ns"]) << id;
    // Three timed processes: time and throughput carry the processes' spread.
    for (const char* timed : {"time.median_real_ns", "throughput.bytes_per_second"})
      EXPECT_TRUE(measures[timed].contains("lower_value")) << id << " " << timed;
    EXPECT_FALSE(measures["memory.peak_rss_delta_bytes"].contains("lower_value")) << id;
    const double per_byte = c["memory"]["peak_rss_delta_bytes"].get<double>() / c["input_bytes"].get<double>();
    EXPECT_DOUBLE_EQ(measures["memory.peak_rss_delta_per_input_byte"]["value"].get<double>(), per_byte) << id;
    if (!sanitizer_build()) {
      EXPECT_EQ(measures["allocations.count"]["value"], c["allocations"]["count"]) << id;
      EXPECT_EQ(measures.contains("allocations.count_per_item"), c["input_items"].get<std::uint64_t>() > 0) << id;
    }
  }
  // The validator refuses what the format does not allow.
  EXPECT_NE(bmf_violation(json::parse(R"({"a": {"m": {"lower_value": 1}}})")), "");
  EXPECT_NE(bmf_violation(json::parse(R"({"a": {"m": {"value": "1"}}})")), "");
  EXPECT_NE(bmf_violation(json::parse(R"({"a": {"m": {"value": 3, "lower_value": 1}}})")), "");
}

// ab takes --budgets and --bmf as run does: HEAD's cases judged against the
// limits (over budget: exit 1, with no regression between the two sides) and
// HEAD's figures written in the Bencher Metric Format. Only allocation counts
// and the export's shape are checked, never a time.
TEST(BmfExport, AbJudgesHeadAgainstBudgetsAndExportsHeadsFigures) {
  std::string dir = test_dir("bmf_ab");
  std::string data = dir + "/data.txt";
  {
    std::ofstream out(data);
    for (int i = 0; i < 20000; ++i) out << "word" << i % 97 << (i % 11 == 0 ? "\n" : " ");
  }
  std::string limits = dir + "/tight.budgets";
  std::ofstream(limits) << "^hash/stream/ allocations.count >= 1000000000\n";
  CommandResult r = run_membench({"ab", MEMBENCH_BINARY, MEMBENCH_BINARY, "--filter", "^hash/stream/", "--dataset",
                                  data, "--pairs", "2", "--max-pairs", "2", "--min-time", "0.001", "--warmup", "0",
                                  "--budgets", limits, "--bmf", dir + "/ab.bmf.json", "--out", dir + "/ab.json",
                                  "--reports", dir + "/reports"});
  json head = json::parse(read_text(dir + "/reports/head.json"));
  ASSERT_EQ(head["results"].size(), 1u) << r.err;
  json bmf = json::parse(read_text(dir + "/ab.bmf.json"));
  EXPECT_EQ(bmf_violation(bmf), "");
  const std::string id = head["results"][0]["id"];
  ASSERT_TRUE(bmf.contains(id)) << bmf.dump();
  EXPECT_EQ(bmf[id]["memory.peak_rss_delta_bytes"]["value"], head["results"][0]["memory"]["peak_rss_delta_bytes"]);
  if (sanitizer_build()) return;  // no allocation count to judge there
  EXPECT_EQ(r.exit_code, 1) << r.err << r.out;
  EXPECT_EQ(json::parse(read_text(dir + "/ab.json"))["budgets"]["cases_over_budget"], 1) << r.out;
  EXPECT_NE(r.out.find("over budget"), std::string::npos) << r.out;
}

}  // namespace

