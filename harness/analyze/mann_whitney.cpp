#include "analyze/mann_whitney.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace membench::stats {
namespace {

struct Ranked {
  double rank_sum_a = 0;  // sum of the (mid-)ranks of the first sample
  double tie_term = 0;    // sum over tie groups of (t^3 - t)
  bool has_ties = false;
};

Ranked rank(std::span<const double> a, std::span<const double> b) {
  std::vector<std::pair<double, bool>> all;  // (value, from first sample)
  all.reserve(a.size() + b.size());
  for (double v : a) all.emplace_back(v, true);
  for (double v : b) all.emplace_back(v, false);
  std::sort(all.begin(), all.end(),
            [](const auto& x, const auto& y) { return x.first < y.first; });
  Ranked r;
  for (std::size_t i = 0; i < all.size();) {
    std::size_t j = i;
    while (j < all.size() && all[j].first == all[i].first) ++j;
    double t = static_cast<double>(j - i);
    double mid_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (std::size_t k = i; k < j; ++k)
      if (all[k].second) r.rank_sum_a += mid_rank;
    if (t > 1) {
      r.has_ties = true;
      r.tie_term += t * t * t - t;
    }
    i = j;
  }
  return r;
}

// Probability that U >= u under the null hypothesis, without ties. The counts
// of U are the coefficients of the Gaussian binomial [n1+n2 choose n1]_q,
// built as the product over i of (1 - q^(n2+i)) / (1 - q^i).
double exact_upper_tail(std::size_t n1, std::size_t n2, double u) {
  std::size_t max_u = n1 * n2;
  std::vector<double> c(max_u + 1, 0.0);
  c[0] = 1;
  std::size_t degree = 0;
  for (std::size_t i = 1; i <= n1; ++i) {
    std::size_t up = n2 + i;
    // multiply by (1 - q^up); the product stays within degree + up
    std::size_t new_degree = degree + up;
    std::vector<double> next(new_degree + 1, 0.0);
    for (std::size_t k = 0; k <= degree; ++k) {
      next[k] += c[k];
      next[k + up] -= c[k];
    }
    // divide by (1 - q^i): running sum with stride i
    for (std::size_t k = i; k <= new_degree; ++k) next[k] += next[k - i];
    degree = new_degree - i;  // = i * n2 after i steps
    for (std::size_t k = 0; k <= degree && k <= max_u; ++k) c[k] = std::max(0.0, std::round(next[k]));
  }
  double total = 0, tail = 0;
  for (std::size_t k = 0; k <= max_u; ++k) {
    total += c[k];
    if (static_cast<double>(k) >= u) tail += c[k];
  }
  return total > 0 ? tail / total : 1.0;
}

}  // namespace

MannWhitneyResult mann_whitney_u(std::span<const double> a, std::span<const double> b,
                                 MannWhitneyMethod method) {
  MannWhitneyResult result;
  const std::size_t n1 = a.size(), n2 = b.size();
  if (n1 == 0 || n2 == 0) return result;
  Ranked r = rank(a, b);
  const double dn1 = static_cast<double>(n1), dn2 = static_cast<double>(n2);
  result.u1 = r.rank_sum_a - dn1 * (dn1 + 1) / 2;
  result.u2 = dn1 * dn2 - result.u1;
  const double u = std::max(result.u1, result.u2);

  bool use_exact = !r.has_ties && method != MannWhitneyMethod::normal &&
                   (method == MannWhitneyMethod::exact ||
                    (n1 <= kMannWhitneyExactLimit && n2 <= kMannWhitneyExactLimit));
  if (use_exact) {
    result.exact = true;
    // The distribution is symmetric: P(U >= u) doubled is the two-sided p.
    result.p_value = std::min(1.0, 2 * exact_upper_tail(n1, n2, u));
    return result;
  }
  const double n = dn1 + dn2;
  const double mean = dn1 * dn2 / 2;
  const double variance = dn1 * dn2 / 12 * ((n + 1) - r.tie_term / (n * (n - 1)));
  if (!(variance > 0)) return result;  // every value tied: no evidence of a difference
  const double z = (u - mean - 0.5) / std::sqrt(variance);
  result.p_value = std::clamp(std::erfc(z / std::sqrt(2.0)), 0.0, 1.0);
  return result;
}

}  // namespace membench::stats
