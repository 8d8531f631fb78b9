// run --gbench: reading Google Benchmark's JSON output, refusing pass-through options that break the
// measurement, and the per-iteration metrics (docs/gbench.md).
#include <gtest/gtest.h>

#include "report/json.h"
#include "report/metrics.h"
#include "runner/gbench.h"
#include "util/args.h"

namespace membench::runner {
namespace {

// As Google Benchmark 1.7 writes --benchmark_out with two repetitions.
const char* kJson = R"({
  "context": {"library_build_type": "release"},
  "benchmarks": [
    {"name": "BM_vector/1024", "run_name": "BM_vector/1024", "run_type": "iteration", "repetitions": 2,
     "repetition_index": 0, "iterations": 1000, "real_time": 1.5, "cpu_time": 1.25, "time_unit": "us"},
    {"name": "BM_vector/1024", "run_name": "BM_vector/1024", "run_type": "iteration", "repetitions": 2,
     "repetition_index": 1, "iterations": 1000, "real_time": 2.0, "cpu_time": 1.75, "time_unit": "us",
     "bytes_per_second": 4096.0},
    {"name": "BM_vector/1024_mean", "run_name": "BM_vector/1024", "run_type": "aggregate", "aggregate_name": "mean",
     "iterations": 2, "real_time": 1.75, "cpu_time": 1.5, "time_unit": "us"}
  ]
})";

TEST(GbenchJson, RepetitionsInNanosecondsPerIterationAggregatesSkipped) {
  std::vector<GbenchRepetition> reps = parse_gbench_json(kJson, "BM_vector/1024");
  ASSERT_EQ(reps.size(), 2u);
  EXPECT_DOUBLE_EQ(reps[0].real_ns, 1500);
  EXPECT_DOUBLE_EQ(reps[0].cpu_ns, 1250);
  EXPECT_DOUBLE_EQ(reps[1].real_ns, 2000);
  EXPECT_EQ(reps[1].iterations, 1000u);
  EXPECT_FALSE(reps[0].bytes_per_second);
  EXPECT_DOUBLE_EQ(*reps[1].bytes_per_second, 4096.0);
}

TEST(GbenchJson, OtherBenchmarksErrorsAndGarbageAreRefused) {
  EXPECT_THROW(parse_gbench_json(kJson, "BM_vector/8"), std::runtime_error);
  EXPECT_THROW(parse_gbench_json("not json", "BM_x"), std::runtime_error);
  EXPECT_THROW(parse_gbench_json("", "BM_x"), std::runtime_error);
  const char* failed = R"({"benchmarks": [{"name": "BM_x", "run_name": "BM_x", "run_type": "iteration",
    "error_occurred": true, "error_message": "broken", "iterations": 0, "real_time": 0, "cpu_time": 0}]})";
  try {
    parse_gbench_json(failed, "BM_x");
    FAIL() << "an error run was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("broken"), std::string::npos) << e.what();
  }
}

TEST(GbenchArgs, OptionsThatBreakTheMeasurementAreRefused) {
  for (const char* bad : {"--benchmark_filter=BM", "--benchmark_format=json", "--benchmark_out=x.json",
                          "--benchmark_out_format=csv", "--benchmark_list_tests", "--benchmark_repetitions=3",
                          "--benchmark_min_time=1", "--benchmark_report_aggregates_only=true"})
    EXPECT_THROW(check_gbench_args({bad}), UsageError) << bad;
  EXPECT_NO_THROW(check_gbench_args({"--benchmark_perf_counters=CYCLES", "--benchmark_counters_tabular=true", "--my_flag"}));
}

TEST(GbenchNames, TheWorkloadIsTheFileNameMadeFitForAnId) {
  EXPECT_EQ(gbench_workload_name("/x/y/my_bench"), "my_bench");
  EXPECT_EQ(gbench_workload_name("/x/y/my bench:2"), "my_bench_2");
}

// The totals of a window grow with the iterations Google Benchmark chose;
// the per-iteration rows carry the comparable figures.
TEST(GbenchMetrics, PerIterationRowsReplaceTheTotalsOfAWindow) {
  report::CaseResult c;
  c.allocations = report::Allocations{.count = 22000, .bytes = 8184000, .peak_live_bytes = 4092, .temporary = 20000};
  c.allocations->iterations = 2000;
  using report::MetricId;
  EXPECT_DOUBLE_EQ(*report::metric(MetricId::allocations_per_iteration).value(c), 11.0);
  EXPECT_DOUBLE_EQ(*report::metric(MetricId::bytes_per_iteration).value(c), 4092.0);
  EXPECT_DOUBLE_EQ(*report::metric(MetricId::temporary_per_iteration).value(c), 10.0);
  EXPECT_FALSE(report::metric(MetricId::allocations).value(c));
  EXPECT_FALSE(report::metric(MetricId::allocated_bytes).value(c));
  EXPECT_DOUBLE_EQ(*report::metric(MetricId::peak_live).value(c), 4092.0);
  c.allocations->iterations = 0;  // a strategy's call
  EXPECT_DOUBLE_EQ(*report::metric(MetricId::allocations).value(c), 22000.0);
  EXPECT_FALSE(report::metric(MetricId::allocations_per_iteration).value(c));
}

TEST(GbenchMetrics, AnUnseenLoopSaysWhyForEveryMemoryFigure) {
  report::CaseResult c;
  c.memory_unavailable = "no loop seen";
  c.allocations_unavailable = "no loop seen";
  EXPECT_EQ(report::unavailable_reason(report::metric(report::MetricId::peak_rss_delta), c), "no loop seen");
  EXPECT_EQ(report::unavailable_reason(report::metric(report::MetricId::allocations_per_iteration), c), "no loop seen");
  EXPECT_EQ(report::unavailable_reason(report::metric(report::MetricId::median_time), c), "");
}

}  // namespace
}  // namespace membench::runner
