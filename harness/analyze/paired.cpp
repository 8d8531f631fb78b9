#include "analyze/paired.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

#include "analyze/seeded_random.h"
#include "analyze/statistics.h"

namespace membench::stats {
namespace {

// Counts of the subsets of {1..n} by their sum: the null distribution of W+
// when every sign is equally likely. Fits in a double exactly up to 2^53.
std::vector<double> signed_rank_counts(std::size_t n) {
  const std::size_t max_sum = n * (n + 1) / 2;
  std::vector<double> counts(max_sum + 1, 0.0);
  counts[0] = 1;
  std::size_t reach = 0;
  for (std::size_t rank = 1; rank <= n; ++rank) {
    reach += rank;
    // Downwards, so each rank joins a subset at most once.
    for (std::size_t s = reach; s >= rank; --s) counts[s] += counts[s - rank];
  }
  return counts;
}

// Median of `values`, reordering them.
double median_in_place(std::span<double> values) {
  const std::size_t n = values.size();
  auto mid = values.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(values.begin(), mid, values.end());
  if (n % 2) return *mid;
  return (*std::max_element(values.begin(), mid) + *mid) / 2;
}

double quantile_sorted(const std::vector<double>& sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(pos));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  const double frac = pos - static_cast<double>(below);
  return sorted[below] + frac * (sorted[above] - sorted[below]);
}

void require_positive(std::span<const double> values, const char* what) {
  for (double v : values)
    if (!(v > 0) || !std::isfinite(v))
      throw std::invalid_argument(std::string(what) + ": values must be positive and finite");
}

void require_bootstrap_args(double confidence, std::size_t resamples) {
  if (!(confidence > 0 && confidence < 1))
    throw std::invalid_argument("bootstrap: confidence must lie in (0, 1)");
  if (resamples == 0) throw std::invalid_argument("bootstrap: resamples must be positive");
}

RatioInterval bootstrap_median(std::span<const double> ratios, double confidence,
                               std::size_t resamples, std::uint64_t seed) {
  RatioInterval result;
  result.median_ratio = median(ratios);
  const std::size_t n = ratios.size();
  SeededRandom random(seed);
  std::vector<double> draw(n), medians;
  medians.reserve(resamples);
  for (std::size_t r = 0; r < resamples; ++r) {
    for (double& d : draw) d = ratios[random.index(n)];
    medians.push_back(median_in_place(draw));
  }
  std::sort(medians.begin(), medians.end());
  result.low = quantile_sorted(medians, (1 - confidence) / 2);
  result.high = quantile_sorted(medians, (1 + confidence) / 2);
  return result;
}

}  // namespace

WilcoxonResult wilcoxon_signed_rank(std::span<const double> differences) {
  std::vector<double> d;
  d.reserve(differences.size());
  for (double v : differences) {
    if (!std::isfinite(v)) throw std::invalid_argument("wilcoxon: differences must be finite");
    if (v != 0) d.push_back(v);
  }
  WilcoxonResult result;
  result.n = d.size();
  if (d.empty()) return result;

  std::sort(d.begin(), d.end(),
            [](double a, double b) { return std::abs(a) < std::abs(b); });
  double tie_term = 0;  // sum over tie groups of |d| of (t^3 - t)
  for (std::size_t i = 0; i < d.size();) {
    std::size_t j = i;
    while (j < d.size() && std::abs(d[j]) == std::abs(d[i])) ++j;
    const double mid_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (std::size_t k = i; k < j; ++k)
      if (d[k] > 0) result.w_plus += mid_rank;
    const double t = static_cast<double>(j - i);
    tie_term += t * t * t - t;
    i = j;
  }

  const double n = static_cast<double>(result.n);
  const double mean = n * (n + 1) / 4;
  // Always positive for n >= 1, even when every |d| is tied.
  const double sd = std::sqrt((n * (n + 1) * (2 * n + 1) - tie_term / 2) / 24);
  const double offset = result.w_plus - mean;
  const double continuity = offset > 0 ? 0.5 : (offset < 0 ? -0.5 : 0.0);
  result.z = (offset - continuity) / sd;

  if (tie_term == 0 && result.n <= kWilcoxonExactLimit) {
    result.exact = true;
    const std::vector<double> counts = signed_rank_counts(result.n);
    // No ties: ranks are 1..n and w_plus is a whole number.
    const auto w = static_cast<std::size_t>(std::lround(result.w_plus));
    double below = 0, above = 0, total = 0;
    for (std::size_t s = 0; s < counts.size(); ++s) {
      total += counts[s];
      if (s <= w) below += counts[s];
      if (s >= w) above += counts[s];
    }
    result.p_value = std::min(1.0, 2 * std::min(below, above) / total);
    return result;
  }
  result.p_value = std::clamp(std::erfc(std::abs(result.z) / std::sqrt(2.0)), 0.0, 1.0);
  return result;
}

RatioInterval paired_ratio_interval(std::span<const double> base, std::span<const double> head,
                                    double confidence, std::size_t resamples,
                                    std::uint64_t seed) {
  if (base.size() != head.size())
    throw std::invalid_argument("paired_ratio_interval: base and head differ in size");
  if (base.empty()) throw std::invalid_argument("paired_ratio_interval: no pairs");
  require_bootstrap_args(confidence, resamples);
  require_positive(base, "paired_ratio_interval");
  require_positive(head, "paired_ratio_interval");
  std::vector<double> ratios(base.size());
  for (std::size_t i = 0; i < base.size(); ++i) ratios[i] = head[i] / base[i];
  return bootstrap_median(ratios, confidence, resamples, seed);
}

std::optional<double> noise_floor(std::span<const double> base_samples_in_run_order,
                                  double confidence, std::size_t resamples, std::uint64_t seed) {
  const auto b = base_samples_in_run_order;
  require_bootstrap_args(confidence, resamples);
  require_positive(b, "noise_floor");
  if (b.size() < 3) return std::nullopt;
  std::vector<double> ratios(b.size() - 1);
  for (std::size_t i = 0; i + 1 < b.size(); ++i) ratios[i] = b[i + 1] / b[i];
  const RatioInterval ci = bootstrap_median(ratios, confidence, resamples, seed);
  return std::max(ci.high - 1, 1 - ci.low);
}

std::optional<double> spread_floor(std::span<const double> ratios) {
  require_positive(ratios, "spread_floor");
  if (ratios.size() < 3) return std::nullopt;
  std::vector<double> logs(ratios.size());
  std::transform(ratios.begin(), ratios.end(), logs.begin(), [](double r) { return std::log(r); });
  const double center = median(logs);
  std::vector<double> deviations(logs.size());
  std::transform(logs.begin(), logs.end(), deviations.begin(), [center](double l) { return std::fabs(l - center); });
  constexpr double kMadToSigma = 1.4826, kZ95 = 1.959964;
  const double sigma = kMadToSigma * median(deviations);
  const double median_efficiency = std::sqrt(std::numbers::pi / 2);
  return std::expm1(kZ95 * median_efficiency * sigma / std::sqrt(static_cast<double>(ratios.size())));
}

}  // namespace membench::stats
