#include "analyze/changepoint.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <tuple>
#include <utility>

#include "analyze/seeded_random.h"
#include "analyze/statistics.h"

namespace membench::stats {
namespace {

struct Point {
  double value;
  std::size_t rank;  // position of value in the sorted window (ties in any order)
};

// Values relative to their median, with their ranks. Distances stay the same
// but the running sums stay small, and a constant window becomes exact zeros.
std::vector<Point> ranked(std::span<const double> x) {
  const double centre = median(x);
  std::vector<std::size_t> order(x.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::vector<Point> points(x.size());
  for (std::size_t r = 0; r < order.size(); ++r) points[order[r]] = {x[order[r]] - centre, r};
  return points;
}

// Fenwick tree over ranks: how many values were added, and their sum, up to a rank.
class RankSums {
 public:
  explicit RankSums(std::size_t n) : count_(n + 1, 0.0), sum_(n + 1, 0.0) {}
  void add(std::size_t rank, double value) {
    for (std::size_t i = rank + 1; i < count_.size(); i += i & (0 - i)) {
      count_[i] += 1;
      sum_[i] += value;
    }
  }
  std::pair<double, double> up_to(std::size_t rank) const {
    double count = 0, sum = 0;
    for (std::size_t i = rank + 1; i > 0; i -= i & (0 - i)) {
      count += count_[i];
      sum += sum_[i];
    }
    return {count, sum};
  }

 private:
  std::vector<double> count_, sum_;
};

// For each point, the sum of its distances to the points visited before it,
// visiting from the front (or the back): values below it add value - other,
// values above it other - value. O(n log n) instead of every pair.
template <typename Walk>
std::vector<double> distances_to_visited(std::span<const Point> x, Walk walk) {
  std::vector<double> out(x.size(), 0.0);
  RankSums seen(x.size());
  double seen_count = 0, seen_sum = 0;
  walk([&](std::size_t i) {
    const auto [below, below_sum] = seen.up_to(x[i].rank);
    out[i] = (below * x[i].value - below_sum) +
             ((seen_sum - below_sum) - (seen_count - below) * x[i].value);
    seen.add(x[i].rank, x[i].value);
    seen_count += 1;
    seen_sum += x[i].value;
  });
  return out;
}

// q(tau) for every split, see energy_statistics.
std::vector<double> energy_profile(std::span<const Point> x, std::size_t min_segment) {
  const std::size_t n = x.size();
  const auto to_earlier = distances_to_visited(x, [n](auto visit) {
    for (std::size_t i = 0; i < n; ++i) visit(i);
  });
  const auto to_later = distances_to_visited(x, [n](auto visit) {
    for (std::size_t i = n; i-- > 0;) visit(i);
  });
  std::vector<double> left(n + 1, 0.0), right(n + 1, 0.0);  // pair sums within x[0,t), x[t,n)
  for (std::size_t t = 0; t < n; ++t) left[t + 1] = left[t] + to_earlier[t];
  for (std::size_t t = n; t-- > 0;) right[t] = right[t + 1] + to_later[t];
  const double total = left[n];

  std::vector<double> q(n + 1, -std::numeric_limits<double>::infinity());
  for (std::size_t tau = min_segment; tau + min_segment <= n; ++tau) {
    const double m = static_cast<double>(tau), k = static_cast<double>(n - tau);
    const double across = total - left[tau] - right[tau];
    const double energy =
        2 * across / (m * k) - left[tau] / (m * (m - 1) / 2) - right[tau] / (k * (k - 1) / 2);
    q[tau] = m * k / (m + k) * energy;
  }
  return q;
}

double largest(const std::vector<double>& q) { return *std::max_element(q.begin(), q.end()); }

// Share of random orderings of the window whose best split is at least as
// strong as the observed one, counting the observed ordering itself.
double permutation_p(std::span<const Point> window, double observed,
                     const ChangePointOptions& options, std::uint64_t stream) {
  std::vector<Point> shuffled(window.begin(), window.end());
  SeededRandom random(stream);
  // Rounding differs between orderings of equal values; such ties count.
  const double reach = observed - 1e-9 * std::abs(observed);
  std::size_t as_strong = 0;
  for (std::size_t r = 0; r < options.permutations; ++r) {
    random.shuffle(std::span<Point>(shuffled));
    if (largest(energy_profile(shuffled, options.min_segment)) >= reach) ++as_strong;
  }
  return static_cast<double>(as_strong + 1) / static_cast<double>(options.permutations + 1);
}

// Each window [begin, end) draws its own permutations, so a p-value does not
// depend on the order in which windows are tested.
std::uint64_t window_stream(const ChangePointOptions& options, std::size_t begin,
                            std::size_t end) {
  return mix_seed(mix_seed(options.seed, begin), end);
}

double relative(double from, double to) {
  if (from == 0) return to == from ? 0 : std::copysign(std::numeric_limits<double>::infinity(), to);
  return (to - from) / std::abs(from);
}

class Detector {
 public:
  Detector(std::span<const double> series, const ChangePointOptions& options)
      : x_(series), options_(options) {}

  // Binary segmentation: split wherever the permutation test says so.
  void segment(std::size_t begin, std::size_t end, std::vector<std::size_t>& splits) {
    if (end - begin < 2 * options_.min_segment) return;
    const std::vector<double> q =
        energy_statistics(x_.subspan(begin, end - begin), options_.min_segment);
    const auto best = std::max_element(q.begin(), q.end());
    if (!(*best > 0)) return;  // neither side differs more than points within a side do
    const std::size_t split = begin + static_cast<std::size_t>(best - q.begin());
    if (p_value(begin, split, end) > options_.significance) return;
    segment(begin, split, splits);
    splits.push_back(split);
    segment(split, end, splits);
  }

  struct Judged {
    ChangePoint point;
    bool holds = false;
  };

  // The change at `split` between the segments [begin, split) and [split, end).
  Judged judge(std::size_t begin, std::size_t split, std::size_t end) {
    const auto before = x_.subspan(begin, split - begin), after = x_.subspan(split, end - split);
    Judged j;
    j.point.index = split;
    j.point.mean_before = mean(before);
    j.point.mean_after = mean(after);
    j.point.relative_step = relative(j.point.mean_before, j.point.mean_after);
    const double step = options_.min_relative_step;
    if (!(std::abs(j.point.relative_step) >= step)) return j;

    const double old_level = median(before), new_level = median(after);
    if (!(std::abs(relative(old_level, new_level)) >= step)) return j;
    for (std::size_t i = split; i < split + options_.min_segment; ++i)
      if (!(std::abs(x_[i] - new_level) < std::abs(x_[i] - old_level))) return j;

    j.point.p_value = p_value(begin, split, end);
    j.holds = j.point.p_value <= options_.significance;
    return j;
  }

 private:
  double p_value(std::size_t begin, std::size_t split, std::size_t end) {
    const auto key = std::make_tuple(begin, split, end);
    if (auto it = p_cache_.find(key); it != p_cache_.end()) return it->second;
    const auto window = ranked(x_.subspan(begin, end - begin));
    const double observed = energy_profile(window, options_.min_segment)[split - begin];
    const double p = permutation_p(window, observed, options_, window_stream(options_, begin, end));
    p_cache_.emplace(key, p);
    return p;
  }

  std::span<const double> x_;
  const ChangePointOptions& options_;
  std::map<std::tuple<std::size_t, std::size_t, std::size_t>, double> p_cache_;
};

void validate(std::span<const double> series, const ChangePointOptions& options) {
  if (options.min_segment < 2)
    throw std::invalid_argument("change points: min_segment must be at least 2");
  if (options.permutations == 0)
    throw std::invalid_argument("change points: permutations must be positive");
  if (!(options.significance > 0 && options.significance <= 1))
    throw std::invalid_argument("change points: significance must lie in (0, 1]");
  if (!(options.min_relative_step >= 0))
    throw std::invalid_argument("change points: min_relative_step must not be negative");
  for (double v : series)
    if (!std::isfinite(v)) throw std::invalid_argument("change points: values must be finite");
}

}  // namespace

std::vector<double> energy_statistics(std::span<const double> x, std::size_t min_segment) {
  if (min_segment < 2)
    throw std::invalid_argument("energy statistics: min_segment must be at least 2");
  return energy_profile(ranked(x), min_segment);
}

std::vector<ChangePoint> detect_change_points(std::span<const double> series,
                                              const ChangePointOptions& options) {
  validate(series, options);
  const std::size_t n = series.size();
  Detector detector(series, options);
  std::vector<std::size_t> splits;
  detector.segment(0, n, splits);

  // Removing a change merges its two segments, which changes its neighbours'
  // means and p-values: drop the weakest failing one, then judge again.
  for (;;) {
    std::vector<Detector::Judged> judged;
    judged.reserve(splits.size());
    for (std::size_t i = 0; i < splits.size(); ++i) {
      const std::size_t begin = i == 0 ? 0 : splits[i - 1];
      const std::size_t end = i + 1 == splits.size() ? n : splits[i + 1];
      judged.push_back(detector.judge(begin, splits[i], end));
    }
    std::size_t weakest = judged.size();
    for (std::size_t i = 0; i < judged.size(); ++i) {
      if (judged[i].holds) continue;
      if (weakest == judged.size() || std::abs(judged[i].point.relative_step) <
                                          std::abs(judged[weakest].point.relative_step))
        weakest = i;
    }
    if (weakest == judged.size()) {
      std::vector<ChangePoint> points;
      points.reserve(judged.size());
      for (const auto& j : judged) points.push_back(j.point);
      return points;
    }
    splits.erase(splits.begin() + static_cast<std::ptrdiff_t>(weakest));
  }
}

}  // namespace membench::stats
