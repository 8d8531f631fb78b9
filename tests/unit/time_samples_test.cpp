#include "analyze/time_samples.h"

#include <gtest/gtest.h>

namespace {

using membench::analyze::off_cpu_factor;
using membench::analyze::process_medians;
using membench::report::TimeStats;

TimeStats with_processes(std::vector<membench::report::ProcessSamples> processes) {
  TimeStats t;
  t.per_process = std::move(processes);
  return t;
}

// Per process: median real over median CPU time; then the median of those.
TEST(TimeSamples, OffCpuFactorIsTheMedianOverProcesses) {
  TimeStats t = with_processes({{{100, 120, 110}, {100, 100, 100}, 10},  // 110 / 100
                                {{300}, {100}, 10},                      // 3.0 (a busy minute)
                                {{100}, {100}, 10},                      // 1.0
                                {{105, 95}, {100, 100}, 10}});           // 100 / 100
  ASSERT_TRUE(off_cpu_factor(t).has_value());
  EXPECT_DOUBLE_EQ(*off_cpu_factor(t), 1.05);
  EXPECT_EQ(process_medians(t), (std::vector<double>{110, 300, 100, 100}));
}

TEST(TimeSamples, OffCpuFactorNeedsCpuTimeForEveryTimedProcess) {
  EXPECT_FALSE(off_cpu_factor(with_processes({})).has_value());
  EXPECT_FALSE(off_cpu_factor(with_processes({{{100}, {}, 10}})).has_value());
  EXPECT_FALSE(off_cpu_factor(with_processes({{{100}, {0}, 10}})).has_value());
  EXPECT_FALSE(off_cpu_factor(with_processes({{{100, 90}, {100}, 10}})).has_value());
  // A process without timed repetitions is not a timed process.
  EXPECT_DOUBLE_EQ(off_cpu_factor(with_processes({{{}, {}, 10}, {{200}, {100}, 10}})).value_or(0), 2.0);
}

}  // namespace
