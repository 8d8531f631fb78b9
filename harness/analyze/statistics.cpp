#include "analyze/statistics.h"

#include <algorithm>
#include <cmath>

namespace membench::stats {

double median(std::span<const double> values) {
  if (values.empty()) return 0;
  std::vector<double> v(values.begin(), values.end());
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double mean(std::span<const double> values) {
  if (values.empty()) return 0;
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

double stddev(std::span<const double> values) {
  if (values.size() < 2) return 0;
  double m = mean(values);
  double sq = 0;
  for (double v : values) sq += (v - m) * (v - m);
  return std::sqrt(sq / static_cast<double>(values.size() - 1));
}

double cv(std::span<const double> values) {
  double m = mean(values);
  return m > 0 ? stddev(values) / m : 0;
}

LinearFit least_squares(std::span<const double> x, std::span<const double> y) {
  LinearFit fit;
  std::size_t n = std::min(x.size(), y.size());
  if (n < 2) return fit;
  double mx = mean(x.first(n)), my = mean(y.first(n));
  double sxx = 0, sxy = 0, syy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
    syy += (y[i] - my) * (y[i] - my);
  }
  if (sxx == 0) return fit;
  fit.slope = sxy / sxx;
  fit.intercept = my - fit.slope * mx;
  double ss_res = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double e = y[i] - (fit.intercept + fit.slope * x[i]);
    ss_res += e * e;
  }
  fit.r2 = syy > 0 ? 1 - ss_res / syy : 1;
  return fit;
}

}  // namespace membench::stats
