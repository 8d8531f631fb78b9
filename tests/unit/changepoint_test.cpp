#include "analyze/changepoint.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

using namespace membench::stats;

namespace {

// Small deterministic noise, within +-1.2 (about 1% of the levels used here).
double noise(std::size_t i) {
  const double x = static_cast<double>(i);
  return 0.8 * std::sin(1.7 * x + 0.3) + 0.4 * std::sin(5.3 * x);
}

// Runs at the given levels, `length` each, with noise continuing across them.
std::vector<double> levels(std::initializer_list<double> values, std::size_t length) {
  std::vector<double> series;
  for (double level : values)
    for (std::size_t k = 0; k < length; ++k) series.push_back(level + noise(series.size()));
  return series;
}

std::vector<double> flat(std::size_t n) { return levels({100}, n); }

}  // namespace

TEST(ChangePoint, CleanStepIsFoundWhereTheNewLevelStarts) {
  auto series = levels({100, 120}, 15);
  auto points = detect_change_points(series);
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].index, 15u);
  EXPECT_NEAR(points[0].mean_before, 100, 1);
  EXPECT_NEAR(points[0].mean_after, 120, 1);
  EXPECT_NEAR(points[0].relative_step, 0.20, 0.02);
  EXPECT_NEAR(points[0].relative_step,
              (points[0].mean_after - points[0].mean_before) / points[0].mean_before, 1e-12);
  // The smallest p-value 199 permutations can give.
  EXPECT_DOUBLE_EQ(points[0].p_value, 1.0 / 200.0);
}

TEST(ChangePoint, StepDownIsNegative) {
  auto series = levels({120, 100}, 12);
  auto points = detect_change_points(series);
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].index, 12u);
  EXPECT_LT(points[0].relative_step, -0.1);
}

TEST(ChangePoint, SingleOutlierIsNeverAChange) {
  // Wherever it lands, including the first and last runs.
  for (std::size_t at = 0; at < 30; ++at) {
    auto series = flat(30);
    series[at] = 300;
    EXPECT_TRUE(detect_change_points(series).empty()) << "outlier at " << at;
  }
}

TEST(ChangePoint, SlowDriftIsNotAChange) {
  // 0.3% a run over 30 runs: any cut of a window of L runs separates means by
  // 0.15% * L <= 4.5% of the level, under min_relative_step (header).
  std::vector<double> series;
  for (std::size_t i = 0; i < 30; ++i)
    series.push_back(100 * (1 + 0.003 * static_cast<double>(i)) + 0.3 * noise(i));
  EXPECT_TRUE(detect_change_points(series).empty());
}

TEST(ChangePoint, SteepDriftIsReportedAsSteps) {
  // 1.5% a run: halves 22% apart, so the drift is reported, every step at
  // least min_relative_step.
  std::vector<double> series;
  for (std::size_t i = 0; i < 30; ++i) series.push_back(100 * (1 + 0.015 * static_cast<double>(i)));
  auto points = detect_change_points(series);
  ASSERT_FALSE(points.empty());
  for (const auto& p : points) {
    EXPECT_GE(p.relative_step, 0.05);
    EXPECT_LE(p.p_value, 0.05);
  }
}

TEST(ChangePoint, TwoStepsGiveTwoChanges) {
  auto series = levels({100, 130, 110}, 12);
  auto points = detect_change_points(series);
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].index, 12u);
  EXPECT_EQ(points[1].index, 24u);
  EXPECT_GT(points[0].relative_step, 0.25);
  EXPECT_LT(points[1].relative_step, -0.1);
  // Each change is judged between its neighbours: the second one's "before"
  // is the 130 plateau alone.
  EXPECT_NEAR(points[1].mean_before, 130, 1);
  EXPECT_NEAR(points[0].mean_after, 130, 1);
}

TEST(ChangePoint, StepInTheLastRunsIsNotPersistentYet) {
  for (std::size_t fresh : {1u, 2u}) {
    auto series = flat(30);
    for (std::size_t i = series.size() - fresh; i < series.size(); ++i) series[i] += 20;
    EXPECT_TRUE(detect_change_points(series).empty()) << fresh << " new runs";
  }
  // Three runs hold the new level for min_segment: now it is a change.
  auto series = flat(30);
  for (std::size_t i = 27; i < 30; ++i) series[i] += 20;
  auto points = detect_change_points(series);
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].index, 27u);
}

TEST(ChangePoint, ConstantAndShortSeriesHaveNone) {
  std::vector<double> constant(40, 512.0);
  EXPECT_TRUE(detect_change_points(constant).empty());
  std::vector<double> none;
  EXPECT_TRUE(detect_change_points(none).empty());
  // Shorter than 2 * min_segment: no split leaves three runs on each side.
  std::vector<double> five{100, 100, 100, 200, 200};
  EXPECT_TRUE(detect_change_points(five).empty());
  // Six runs allow one split only; 2 of the 20 ways to deal them into halves
  // are as extreme as a clean step, so p is about 0.1: never significant.
  std::vector<double> six{100, 100.5, 99.5, 200, 200.5, 199.5};
  EXPECT_TRUE(detect_change_points(six).empty());
  // Ten runs: 2 of 252, significant.
  std::vector<double> ten{100, 100.5, 99.5, 100.2, 99.8, 200, 200.5, 199.5, 200.2, 199.8};
  auto points = detect_change_points(ten);
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].index, 5u);
}

TEST(ChangePoint, SmallStepNeedsALowerThreshold) {
  // A clean 3% step is significant but under the default 5%.
  auto series = levels({100, 103}, 15);
  for (std::size_t i = 0; i < series.size(); ++i) series[i] = (i < 15 ? 100 : 103) + 0.2 * noise(i);
  EXPECT_TRUE(detect_change_points(series).empty());
  ChangePointOptions options;
  options.min_relative_step = 0.01;
  auto points = detect_change_points(series, options);
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].index, 15u);
}

TEST(ChangePoint, NoisyFlatSeriesHasNone) {
  // Noise of +-5%, far above the step threshold's reach for a median.
  std::vector<double> series;
  for (std::size_t i = 0; i < 60; ++i) series.push_back(100 + 4 * noise(i));
  EXPECT_TRUE(detect_change_points(series).empty());
}

TEST(ChangePoint, Deterministic) {
  auto series = levels({100, 112, 125}, 10);
  for (std::size_t i = 0; i < series.size(); ++i) series[i] += 3 * noise(i * 7 + 1);
  ChangePointOptions options;
  options.permutations = 99;
  auto a = detect_change_points(series, options), b = detect_change_points(series, options);
  ASSERT_EQ(a.size(), 2u);
  ASSERT_EQ(b.size(), 2u);
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].index, b[i].index);
    EXPECT_EQ(a[i].p_value, b[i].p_value);
  }
}

TEST(ChangePoint, RejectsBadOptionsAndValues) {
  auto series = flat(10);
  ChangePointOptions tiny_segment;
  tiny_segment.min_segment = 1;
  EXPECT_THROW(detect_change_points(series, tiny_segment), std::invalid_argument);
  ChangePointOptions no_permutations;
  no_permutations.permutations = 0;
  EXPECT_THROW(detect_change_points(series, no_permutations), std::invalid_argument);
  ChangePointOptions bad_significance;
  bad_significance.significance = 0;
  EXPECT_THROW(detect_change_points(series, bad_significance), std::invalid_argument);
  series[4] = NAN;
  EXPECT_THROW(detect_change_points(series), std::invalid_argument);
}

TEST(ChangePoint, EnergyStatisticsMatchTheDefinition) {
  // Every pair summed directly, as Matteson & James write it.
  std::vector<double> x{5, 3.5, 9, 9, 1, 4.25, 7, 3.5, 12, 6, 6, 2};
  const std::size_t n = x.size(), min_segment = 2;
  auto q = energy_statistics(x, min_segment);
  ASSERT_EQ(q.size(), n + 1);
  for (std::size_t tau = 0; tau <= n; ++tau) {
    if (tau < min_segment || n - tau < min_segment) {
      EXPECT_TRUE(std::isinf(q[tau]) && q[tau] < 0) << tau;
      continue;
    }
    double across = 0, within_a = 0, within_b = 0;
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = i + 1; j < n; ++j) {
        const double d = std::abs(x[i] - x[j]);
        if (j < tau) within_a += d;
        else if (i >= tau) within_b += d;
        else across += d;
      }
    const double m = static_cast<double>(tau), k = static_cast<double>(n - tau);
    const double energy =
        2 * across / (m * k) - within_a / (m * (m - 1) / 2) - within_b / (k * (k - 1) / 2);
    EXPECT_NEAR(q[tau], m * k / (m + k) * energy, 1e-9) << tau;
  }
  std::vector<double> constant(10, 0.1);
  for (double v : energy_statistics(constant, 3)) {
    if (!std::isinf(v)) {
      EXPECT_EQ(v, 0.0);
    }
  }
  EXPECT_THROW(energy_statistics(x, 1), std::invalid_argument);
}

TEST(ChangePoint, PersistenceRulesAloneRejectOutliersAndFreshSteps) {
  // significance = 1 lets every split through the permutation test; what is
  // left must come from the step and persistence rules.
  ChangePointOptions every_split;
  every_split.significance = 1;
  for (std::size_t at = 0; at < 30; ++at) {
    auto series = flat(30);
    series[at] = 300;
    EXPECT_TRUE(detect_change_points(series, every_split).empty()) << "outlier at " << at;
  }
  for (std::size_t fresh : {1u, 2u}) {
    auto series = flat(30);
    for (std::size_t i = series.size() - fresh; i < series.size(); ++i) series[i] += 20;
    EXPECT_TRUE(detect_change_points(series, every_split).empty()) << fresh << " new runs";
  }
  auto step = levels({100, 120}, 15);
  auto points = detect_change_points(step, every_split);
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].index, 15u);
}

TEST(ChangePoint, LongHistoryKeepsOnlyStepsAboveTheThreshold) {
  // 500 nights: +10% at 100, -4.5% at 300 (under 5%), +19% at 420.
  std::vector<double> series;
  for (std::size_t i = 0; i < 500; ++i)
    series.push_back(1000 + 10 * noise(i) + (i >= 100 ? 100 : 0) - (i >= 300 ? 50 : 0) +
                     (i >= 420 ? 200 : 0));
  auto points = detect_change_points(series);
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].index, 100u);
  EXPECT_EQ(points[1].index, 420u);
  // The unreported step's runs are merged into the segment before 420.
  EXPECT_NEAR(points[1].mean_before, (200 * 1100 + 120 * 1050) / 320.0, 2);
}
