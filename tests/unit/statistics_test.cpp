#include "analyze/statistics.h"

#include <gtest/gtest.h>

#include <vector>

using namespace membench::stats;

TEST(Statistics, MedianOddEvenEmpty) {
  std::vector<double> odd{5, 1, 3}, even{4, 1, 3, 2}, none;
  EXPECT_DOUBLE_EQ(median(odd), 3);
  EXPECT_DOUBLE_EQ(median(even), 2.5);
  EXPECT_DOUBLE_EQ(median(none), 0);
}

TEST(Statistics, StddevAndCv) {
  std::vector<double> v{2, 4, 4, 4, 5, 5, 7, 9};
  EXPECT_NEAR(stddev(v), 2.138089935, 1e-9);
  EXPECT_NEAR(cv(v), 2.138089935 / 5.0, 1e-9);
  std::vector<double> one{3};
  EXPECT_DOUBLE_EQ(stddev(one), 0);
}

TEST(Statistics, LeastSquaresExactLine) {
  std::vector<double> x{1, 2, 3, 4}, y{3, 5, 7, 9};
  LinearFit f = least_squares(x, y);
  EXPECT_NEAR(f.slope, 2, 1e-12);
  EXPECT_NEAR(f.intercept, 1, 1e-12);
  EXPECT_NEAR(f.r2, 1, 1e-12);
}

TEST(Statistics, LeastSquaresNoisyAndFlat) {
  std::vector<double> x{1, 2, 3, 4}, y{1, 3, 2, 4};
  LinearFit f = least_squares(x, y);
  EXPECT_NEAR(f.slope, 0.8, 1e-12);
  EXPECT_NEAR(f.r2, 0.64, 1e-12);
  std::vector<double> flat{7, 7, 7, 7};
  LinearFit g = least_squares(x, flat);
  EXPECT_DOUBLE_EQ(g.slope, 0);
  EXPECT_DOUBLE_EQ(g.r2, 1);
}
