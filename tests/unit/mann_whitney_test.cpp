#include "analyze/mann_whitney.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using membench::stats::mann_whitney_u;
using membench::stats::MannWhitneyMethod;

// Expected p-values: the exact ones are counts of rank arrangements worked out
// by hand; the normal ones follow the textbook formula (continuity and tie
// correction) and agree with scipy.stats.mannwhitneyu(..., method="asymptotic").

TEST(MannWhitney, CompleteSeparationExact) {
  std::vector<double> a{1, 2, 3, 4, 5}, b{6, 7, 8, 9, 10};
  auto r = mann_whitney_u(a, b);
  EXPECT_TRUE(r.exact);
  EXPECT_DOUBLE_EQ(r.u1, 0);
  EXPECT_DOUBLE_EQ(r.u2, 25);
  // Only 2 of the C(10,5) = 252 arrangements are this extreme (either way).
  EXPECT_NEAR(r.p_value, 2.0 / 252.0, 1e-12);
}

TEST(MannWhitney, ThreeAgainstThreeSmallestPossibleP) {
  std::vector<double> a{10, 11, 12}, b{1, 2, 3};
  auto r = mann_whitney_u(a, b);
  EXPECT_DOUBLE_EQ(r.u1, 9);
  EXPECT_NEAR(r.p_value, 2.0 / 20.0, 1e-12);  // C(6,3) = 20
}

TEST(MannWhitney, ScipyDocumentationExample) {
  // The example of scipy's documentation: U = 17, exact p = 0.1111..., asymptotic 0.11134688653314041.
  std::vector<double> males{19, 22, 16, 29, 24}, females{20, 11, 17, 12};
  auto exact = mann_whitney_u(males, females);
  EXPECT_TRUE(exact.exact);
  EXPECT_DOUBLE_EQ(exact.u1, 17);
  EXPECT_NEAR(exact.p_value, 14.0 / 126.0, 1e-12);
  auto normal = mann_whitney_u(males, females, MannWhitneyMethod::normal);
  EXPECT_FALSE(normal.exact);
  EXPECT_NEAR(normal.p_value, 0.11134688653314041, 1e-12);
}

TEST(MannWhitney, TiesUseNormalApproximationWithTieCorrection) {
  std::vector<double> a{1, 2, 2, 3, 3, 3, 4, 5}, b{3, 4, 4, 5, 5, 6, 6, 7};
  auto r = mann_whitney_u(a, b);
  EXPECT_FALSE(r.exact);  // ties rule out the exact distribution
  EXPECT_DOUBLE_EQ(r.u1, 7.5);
  EXPECT_NEAR(r.p_value, 0.010515245935858918, 1e-12);

  std::vector<double> c{10, 10, 11, 12, 12, 12}, d{12, 13, 13, 14, 15};
  auto s = mann_whitney_u(c, d);
  EXPECT_DOUBLE_EQ(s.u1, 1.5);
  EXPECT_NEAR(s.p_value, 0.014647881572517412, 1e-12);
}

TEST(MannWhitney, SymmetricInItsArguments) {
  std::vector<double> a{3.1, 4.5, 2.2, 8.9, 5.0, 6.1}, b{7.7, 9.4, 6.6, 8.1, 10.2, 5.5, 11.0};
  auto ab = mann_whitney_u(a, b), ba = mann_whitney_u(b, a);
  EXPECT_DOUBLE_EQ(ab.u1, ba.u2);
  EXPECT_DOUBLE_EQ(ab.p_value, ba.p_value);
}

TEST(MannWhitney, IdenticalAndEmptySamplesGiveNoEvidence) {
  std::vector<double> same{5, 5, 5, 5, 5}, none;
  EXPECT_DOUBLE_EQ(mann_whitney_u(same, same).p_value, 1.0);
  EXPECT_DOUBLE_EQ(mann_whitney_u(none, same).p_value, 1.0);
  std::vector<double> a{1, 2, 3, 4, 5}, b{1.5, 2.5, 3.5, 4.5, 5.5};
  EXPECT_GT(mann_whitney_u(a, b).p_value, 0.5);
}

TEST(MannWhitney, ExactAndNormalAgreeForLargerSamples) {
  std::vector<double> a, b;
  for (int i = 0; i < 20; ++i) {
    a.push_back(100 + 3.0 * i);
    b.push_back(112 + 3.0 * i + 0.5);
  }
  auto exact = mann_whitney_u(a, b, MannWhitneyMethod::exact);
  auto normal = mann_whitney_u(a, b, MannWhitneyMethod::normal);
  EXPECT_TRUE(exact.exact);
  EXPECT_NEAR(exact.p_value, normal.p_value, 0.01);
  EXPECT_LT(exact.p_value, 0.05);
}

TEST(MannWhitney, ExactProbabilitiesSumToOne) {
  // With u = 0 the upper tail is the whole distribution: p = min(1, 2 * 1).
  std::vector<double> a{1, 2, 3, 4, 5, 6, 7}, b{1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5};
  auto r = mann_whitney_u(a, b);
  EXPECT_TRUE(r.exact);
  EXPECT_LE(r.p_value, 1.0);
  EXPECT_GT(r.p_value, 0.0);
}
