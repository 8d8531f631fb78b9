#include "analyze/paired.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

using namespace membench::stats;

// Reference p-values come from scipy 1.10:
//   scipy.stats.wilcoxon(d, method="exact" | "approx", correction=True, zero_method="wilcox")
// scipy reports min(W+, W-) as the statistic and a negative zstatistic; the
// W+ below are worked out from the same ranks.

TEST(PairedStats, WilcoxonAllPositiveIsTwoOverTwoToTheN) {
  // scipy exact: p = 0.0625 (n = 5) and 0.0078125 (n = 8).
  std::vector<double> five{1, 2, 3, 4, 5};
  auto r = wilcoxon_signed_rank(five);
  EXPECT_TRUE(r.exact);
  EXPECT_EQ(r.n, 5u);
  EXPECT_DOUBLE_EQ(r.w_plus, 15);
  EXPECT_NEAR(r.p_value, 2.0 / 32.0, 1e-12);
  EXPECT_GT(r.z, 0);

  std::vector<double> eight{0.5, 1, 2, 3, 4, 5, 6, 7};
  auto s = wilcoxon_signed_rank(eight);
  EXPECT_TRUE(s.exact);
  EXPECT_NEAR(s.p_value, 2.0 / 256.0, 1e-12);

  std::vector<double> negative{-1, -2, -3, -4, -5};
  auto t = wilcoxon_signed_rank(negative);
  EXPECT_DOUBLE_EQ(t.w_plus, 0);
  EXPECT_NEAR(t.p_value, 2.0 / 32.0, 1e-12);
  EXPECT_LT(t.z, 0);
}

TEST(PairedStats, WilcoxonScipyDocumentationExample) {
  // Darwin's height differences from scipy's documentation:
  // exact p = 0.041259765625, approx p = 0.043772323763041174, z = -2.01626451157708.
  std::vector<double> d{6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75};
  auto r = wilcoxon_signed_rank(d);
  EXPECT_TRUE(r.exact);
  EXPECT_EQ(r.n, 15u);
  EXPECT_DOUBLE_EQ(r.w_plus, 120 - 24);
  EXPECT_NEAR(r.p_value, 0.041259765625, 1e-12);
  // z is the normal score even when p is exact.
  EXPECT_NEAR(r.z, 2.01626451157708, 1e-12);
}

TEST(PairedStats, WilcoxonMixedSignsExact) {
  // scipy exact: statistic 9, p = 0.064453125; approx z = -1.834729889175452.
  std::vector<double> d{1.5, -0.5, 2.5, 3.5, -1.0, 4.5, 0.7, -2.2, 5.1, 6.3};
  auto r = wilcoxon_signed_rank(d);
  EXPECT_TRUE(r.exact);
  EXPECT_DOUBLE_EQ(r.w_plus, 55 - 9);
  EXPECT_NEAR(r.p_value, 0.064453125, 1e-12);
  EXPECT_NEAR(r.z, 1.834729889175452, 1e-12);
}

TEST(PairedStats, WilcoxonTiesUseNormalApproximation) {
  // scipy approx: statistic 17, p = 0.0911811985056806, z = -1.6891995328345302.
  std::vector<double> d{1, -1, 2, 2, -3, 3, 4, 5, 5, -6, 7, 8};
  auto r = wilcoxon_signed_rank(d);
  EXPECT_FALSE(r.exact);
  EXPECT_EQ(r.n, 12u);
  EXPECT_DOUBLE_EQ(r.w_plus, 78 - 17);
  EXPECT_NEAR(r.p_value, 0.0911811985056806, 1e-12);
  EXPECT_NEAR(r.z, 1.6891995328345302, 1e-12);

  // Every |d| tied still has a positive variance.
  // scipy approx: statistic 3.5, p = 0.12943067443790598.
  std::vector<double> tied{2, 2, 2, -2, 2, 2};
  auto t = wilcoxon_signed_rank(tied);
  EXPECT_FALSE(t.exact);
  EXPECT_DOUBLE_EQ(t.w_plus, 17.5);
  EXPECT_NEAR(t.p_value, 0.12943067443790598, 1e-12);
}

TEST(PairedStats, WilcoxonZerosAreDropped) {
  // Without ties the exact p is that of the non-zero differences alone,
  // scipy exact on {1.2, -0.4, 2.3, 3.1, 4.2, -1.7, 5.5}: statistic 4, p = 0.109375.
  std::vector<double> d{0, 1.2, -0.4, 2.3, 0, 3.1, 4.2, -1.7, 5.5};
  auto r = wilcoxon_signed_rank(d);
  EXPECT_EQ(r.n, 7u);
  EXPECT_TRUE(r.exact);
  EXPECT_DOUBLE_EQ(r.w_plus, 28 - 4);
  EXPECT_NEAR(r.p_value, 0.109375, 1e-12);

  // With ties: scipy approx on the whole input (zero_method="wilcox" drops the
  // zeros itself): statistic 5, p = 0.04345530404779366, z = -2.0193071611160955.
  std::vector<double> z{0, 2, -2, 0, 3, 3, 1, 4, -1, 5, 6, 0};
  auto s = wilcoxon_signed_rank(z);
  EXPECT_EQ(s.n, 9u);
  EXPECT_FALSE(s.exact);
  EXPECT_DOUBLE_EQ(s.w_plus, 45 - 5);
  EXPECT_NEAR(s.p_value, 0.04345530404779366, 1e-12);
  EXPECT_NEAR(s.z, 2.0193071611160955, 1e-12);
}

TEST(PairedStats, WilcoxonLargeSampleUsesNormalApproximation) {
  // n = 30 > 25 without ties. scipy approx: statistic 120 (W+ = 345),
  // p = 0.02124207353570626, z = -2.3036540077481398.
  std::vector<double> d;
  for (int i = 0; i < 30; ++i) d.push_back(((i * 37) % 29 - 9.5) + 0.01 * i);
  auto r = wilcoxon_signed_rank(d);
  EXPECT_FALSE(r.exact);
  EXPECT_EQ(r.n, 30u);
  EXPECT_DOUBLE_EQ(r.w_plus, 345);
  EXPECT_NEAR(r.p_value, 0.02124207353570626, 1e-12);
  EXPECT_NEAR(r.z, 2.3036540077481398, 1e-12);
}

TEST(PairedStats, WilcoxonNoEvidenceFromZeroOrOneDifference) {
  std::vector<double> none, zeros{0, 0, 0}, one{3.5}, one_and_zeros{0, -2, 0};
  for (const auto* d : {&none, &zeros, &one, &one_and_zeros}) {
    auto r = wilcoxon_signed_rank(*d);
    EXPECT_DOUBLE_EQ(r.p_value, 1.0);
    EXPECT_LE(r.n, 1u);
  }
  EXPECT_EQ(wilcoxon_signed_rank(zeros).n, 0u);
  EXPECT_EQ(wilcoxon_signed_rank(one_and_zeros).n, 1u);
}

TEST(PairedStats, WilcoxonCentreOfDistributionGivesOne) {
  // n = 3, ranks 1..3: W+ = 3 is the centre of 0..6.
  std::vector<double> d{1, 2, -3};
  auto r = wilcoxon_signed_rank(d);
  EXPECT_DOUBLE_EQ(r.w_plus, 3);
  EXPECT_DOUBLE_EQ(r.p_value, 1.0);
}

TEST(PairedStats, WilcoxonRejectsNonFinite) {
  std::vector<double> d{1, NAN, 2};
  EXPECT_THROW(wilcoxon_signed_rank(d), std::invalid_argument);
  std::vector<double> e{1, INFINITY};
  EXPECT_THROW(wilcoxon_signed_rank(e), std::invalid_argument);
}

namespace {

// A deterministic zero-mean pattern in [-1, 1]: +x and -x in turn, so the
// ratios built from it are symmetric about 1.
std::vector<double> symmetric_pattern(std::size_t n) {
  std::vector<double> p;
  for (std::size_t i = 0; i < n; ++i) {
    double magnitude = std::abs(std::sin(1.3 * static_cast<double>(i / 2) + 0.4));
    p.push_back(i % 2 ? -magnitude : magnitude);
  }
  return p;
}

std::vector<double> bases(std::size_t n) {
  std::vector<double> b;
  for (std::size_t i = 0; i < n; ++i) b.push_back(1000 + 37 * static_cast<double>(i % 7));
  return b;
}

// Pairs whose ratios are 1 + amplitude * pattern.
std::vector<double> heads(const std::vector<double>& base, double amplitude) {
  auto pattern = symmetric_pattern(base.size());
  std::vector<double> h;
  for (std::size_t i = 0; i < base.size(); ++i) h.push_back(base[i] * (1 + amplitude * pattern[i]));
  return h;
}

}  // namespace

TEST(PairedStats, ConstantRatioGivesADegenerateInterval) {
  std::vector<double> base{100, 250, 80, 1000, 333, 47.5};
  std::vector<double> head;
  for (double b : base) head.push_back(b * 1.10);
  auto ci = paired_ratio_interval(base, head, 0.95, 2000, 7);
  EXPECT_NEAR(ci.median_ratio, 1.10, 1e-12);
  EXPECT_NEAR(ci.low, 1.10, 1e-12);
  EXPECT_NEAR(ci.high, 1.10, 1e-12);
}

TEST(PairedStats, AANoiseIntervalContainsOne) {
  auto base = bases(20);
  auto head = heads(base, 0.03);
  auto ci = paired_ratio_interval(base, head);
  EXPECT_LT(ci.low, 1.0);
  EXPECT_GT(ci.high, 1.0);
  EXPECT_LE(ci.low, ci.median_ratio);
  EXPECT_GE(ci.high, ci.median_ratio);
  EXPECT_NEAR(ci.median_ratio, 1.0, 0.01);
  // Inside the range of the ratios themselves (no more than 3% off).
  EXPECT_GT(ci.low, 0.97);
  EXPECT_LT(ci.high, 1.03);
}

TEST(PairedStats, ShiftedNoisyRatiosExcludeOne) {
  auto base = bases(20);
  auto head = heads(base, 0.02);
  for (double& h : head) h *= 1.08;
  auto ci = paired_ratio_interval(base, head);
  EXPECT_GT(ci.low, 1.0);
  EXPECT_NEAR(ci.median_ratio, 1.08, 0.02);
}

TEST(PairedStats, SameSeedSameInterval) {
  auto base = bases(15);
  auto head = heads(base, 0.05);
  auto a = paired_ratio_interval(base, head, 0.9, 3000, 42);
  auto b = paired_ratio_interval(base, head, 0.9, 3000, 42);
  EXPECT_EQ(a.median_ratio, b.median_ratio);
  EXPECT_EQ(a.low, b.low);
  EXPECT_EQ(a.high, b.high);
  auto c = paired_ratio_interval(base, head, 0.9, 3000, 43);
  EXPECT_EQ(a.median_ratio, c.median_ratio);  // the point estimate needs no draws
}

TEST(PairedStats, IntervalIsPinnedAcrossMachines) {
  // Recorded from this implementation: the draws use mt19937_64 (its sequence
  // is fixed by the standard) and our own index mapping, so any machine and
  // standard library must reproduce these bounds. A change here changes every
  // interval ever reported.
  std::vector<double> base{1000, 1012, 995, 1030, 988, 1005, 1020, 979, 1001, 1015};
  std::vector<double> head{1040, 1050, 1010, 1090, 1001, 1070, 1035, 1010, 1060, 1031};
  auto ci = paired_ratio_interval(base, head, 0.95, 1000, 2024);
  EXPECT_NEAR(ci.median_ratio, 1.0346071856819292, 1e-15);
  EXPECT_NEAR(ci.low, 1.0150753768844221, 1e-15);
  EXPECT_NEAR(ci.high, 1.058252427184466, 1e-15);
}

TEST(PairedStats, IntervalWidensWithNoise) {
  auto base = bases(20);
  auto quiet = paired_ratio_interval(base, heads(base, 0.01));
  auto noisy = paired_ratio_interval(base, heads(base, 0.05));
  EXPECT_GT(noisy.high - noisy.low, 2 * (quiet.high - quiet.low));
  EXPECT_GT(quiet.high - quiet.low, 0);
}

TEST(PairedStats, HigherConfidenceWidensTheInterval) {
  auto base = bases(20);
  auto head = heads(base, 0.04);
  auto narrow = paired_ratio_interval(base, head, 0.5);
  auto wide = paired_ratio_interval(base, head, 0.99);
  EXPECT_LE(wide.low, narrow.low);
  EXPECT_GE(wide.high, narrow.high);
  EXPECT_GT(wide.high - wide.low, narrow.high - narrow.low);
}

TEST(PairedStats, RatioIntervalRejectsBadInput) {
  std::vector<double> three{1, 2, 3}, two{1, 2}, with_zero{1, 0, 3}, negative{1, -2, 3},
      with_nan{1, NAN, 3}, none;
  EXPECT_THROW(paired_ratio_interval(three, two), std::invalid_argument);
  EXPECT_THROW(paired_ratio_interval(three, with_zero), std::invalid_argument);
  EXPECT_THROW(paired_ratio_interval(negative, three), std::invalid_argument);
  EXPECT_THROW(paired_ratio_interval(with_nan, three), std::invalid_argument);
  EXPECT_THROW(paired_ratio_interval(none, none), std::invalid_argument);
  EXPECT_THROW(paired_ratio_interval(three, three, 1.0), std::invalid_argument);
  EXPECT_THROW(paired_ratio_interval(three, three, 0.0), std::invalid_argument);
  EXPECT_THROW(paired_ratio_interval(three, three, 0.95, 0), std::invalid_argument);
}

TEST(PairedStats, NoiseFloorOfConstantBaseIsZero) {
  std::vector<double> base(12, 2500.0);
  auto floor = noise_floor(base);
  ASSERT_TRUE(floor.has_value());
  EXPECT_DOUBLE_EQ(*floor, 0.0);
}

TEST(PairedStats, NoiseFloorGrowsWithNoise) {
  auto pattern = symmetric_pattern(20);
  std::vector<double> quiet, noisy;
  for (double p : pattern) {
    quiet.push_back(1000 * (1 + 0.01 * p));
    noisy.push_back(1000 * (1 + 0.05 * p));
  }
  auto q = noise_floor(quiet), n = noise_floor(noisy);
  ASSERT_TRUE(q && n);
  EXPECT_GT(*q, 0.0);
  EXPECT_GT(*n, 2 * *q);
  // Consecutive ratios of +-1% noise stay within about 2% of 1.
  EXPECT_LT(*q, 0.025);
}

TEST(PairedStats, NoiseFloorIsTheHalfWidthOfTheAAInterval) {
  std::vector<double> base{1000, 1012, 995, 1030, 988, 1005, 1020, 979, 1001, 1015};
  std::vector<double> earlier(base.begin(), base.end() - 1), later(base.begin() + 1, base.end());
  auto ci = paired_ratio_interval(earlier, later, 0.9, 4000, 11);
  auto floor = noise_floor(base, 0.9, 4000, 11);
  ASSERT_TRUE(floor.has_value());
  EXPECT_DOUBLE_EQ(*floor, std::max(ci.high - 1, 1 - ci.low));
}

TEST(PairedStats, NoiseFloorNeedsThreeSamples) {
  std::vector<double> none, one{5}, two{5, 6}, three{5, 6, 5.5};
  EXPECT_FALSE(noise_floor(none).has_value());
  EXPECT_FALSE(noise_floor(one).has_value());
  EXPECT_FALSE(noise_floor(two).has_value());
  EXPECT_TRUE(noise_floor(three).has_value());
  std::vector<double> bad{5, 0, 6};
  EXPECT_THROW(noise_floor(bad), std::invalid_argument);
}

// The same-build floor from the spread of the ratios (docs/time-gate.md):
// values worked out by hand (log ratios -2%..+2%: median absolute deviation
// 0.01, sigma 0.014826, half-width 1.96 * 1.2533 * sigma / sqrt(5)).
TEST(PairedStats, SpreadFloorIsTheIntervalTheRatiosSpreadGives) {
  std::vector<double> ratios;
  for (double l : {-0.02, -0.01, 0.0, 0.01, 0.02}) ratios.push_back(std::exp(l));
  auto floor = spread_floor(ratios);
  ASSERT_TRUE(floor.has_value());
  EXPECT_NEAR(*floor, 0.0164206, 1e-6);
  std::vector<double> noisy{1.25, 0.8, 1.15, 0.9, 1.2, 0.85, 1.1};
  EXPECT_NEAR(spread_floor(noisy).value_or(0), 0.192397, 1e-5);
  std::vector<double> steady(7, 1.0);
  EXPECT_DOUBLE_EQ(spread_floor(steady).value_or(-1), 0.0);
}

// One stray run among six quiet ones: the bootstrap interval of the five
// ratios reaches it (three draws of five land on it often enough), the spread
// floor does not.
TEST(PairedStats, OneStrayRunDoesNotSetTheSpreadFloor) {
  std::vector<double> base{1000, 1010, 1000, 1600, 1000, 1005};
  std::vector<double> ratios;
  for (std::size_t i = 1; i < base.size(); ++i) ratios.push_back(base[i] / base[i - 1]);
  auto spread = spread_floor(ratios);
  auto bootstrap = noise_floor(base);
  ASSERT_TRUE(spread && bootstrap);
  EXPECT_LT(*spread, 0.05);
  EXPECT_GT(*bootstrap, 0.3);
}

TEST(PairedStats, SpreadFloorNeedsThreeRatios) {
  std::vector<double> two{1.0, 1.1}, three{1.0, 1.1, 0.9}, bad{1.0, 0.0, 1.1}, inf{1.0, INFINITY, 1.1};
  EXPECT_FALSE(spread_floor(two).has_value());
  EXPECT_TRUE(spread_floor(three).has_value());
  EXPECT_THROW(spread_floor(bad), std::invalid_argument);
  EXPECT_THROW(spread_floor(inf), std::invalid_argument);
}
