// Descriptive statistics and fits used by the runner, compare and renderers.
#pragma once

#include <span>
#include <vector>

namespace membench::stats {

double median(std::span<const double> values);  // 0 for an empty span
double mean(std::span<const double> values);
double stddev(std::span<const double> values);  // sample standard deviation (n-1)
double cv(std::span<const double> values);      // stddev / mean, 0 when undefined

struct LinearFit {
  double slope = 0;
  double intercept = 0;
  double r2 = 0;  // coefficient of determination; 1 for a perfect (or flat) fit
};
// Ordinary least squares of y on x. Needs two or more distinct x.
LinearFit least_squares(std::span<const double> x, std::span<const double> y);

}  // namespace membench::stats
