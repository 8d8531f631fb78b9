// Change points in a nightly history: the runs where a case's level moved and
// stayed moved. E-divisive with means (Matteson & James 2014): the energy
// statistic with alpha = 1 picks the best split of a segment, a permutation
// test decides whether it is significant, and binary segmentation repeats this
// on both halves until nothing significant is left. Candidates are then
// pruned one at a time, the failing one with the smallest step first, until
// every remaining one is significant, large enough and persistent within the
// segments its neighbours leave it (removing one merges two segments, which
// changes its neighbours' means and p-values). The right end of each split is
// the segment's end, as in the implementations used for performance
// histories, rather than a second searched point as in the paper.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace membench::stats {

struct ChangePointOptions {
  double significance = 0.05;      // largest permutation p-value reported
  std::size_t permutations = 199;  // p-values step in 1 / (permutations + 1)
  // Fewest points on either side of a change, both when searching and when
  // judging persistence. At least 2 (the energy statistic needs pairs).
  std::size_t min_segment = 3;
  // Smallest |mean_after - mean_before| / |mean_before| reported, however
  // significant: nightly machines drift by a few percent without any cause in
  // the code.
  double min_relative_step = 0.05;
  std::uint64_t seed = 0x6368616e6765ULL;  // permutations are drawn from this, see below
};

struct ChangePoint {
  std::size_t index = 0;    // first run of the new level
  double mean_before = 0;   // mean from the previous change point (or the start) to index
  double mean_after = 0;    // mean from index to the next change point (or the end)
  double relative_step = 0; // (mean_after - mean_before) / |mean_before|; +-inf when that is 0
  double p_value = 1;       // permutation p-value of this split within those two segments
};

// The statistic the splits are chosen by, for x split into x[0, tau) and
// x[tau, n) with m = tau and k = n - tau points (alpha = 1):
//   q(tau) = m k / (m + k) * (2 / (m k) * sum |a_i - b_j|
//            - sum_{i<j} |a_i - a_j| / C(m, 2) - sum_{i<j} |b_i - b_j| / C(k, 2))
// Returns n + 1 entries indexed by tau; those with a side under min_segment
// points are -infinity. O(n log n). Throws std::invalid_argument when
// min_segment < 2.
std::vector<double> energy_statistics(std::span<const double> x, std::size_t min_segment);

// Change points of `series` (one value per nightly run, oldest first), sorted
// by index. A change point is reported only when, within the segments its
// neighbours leave it:
//  - the split is significant: p = (1 + permutations whose largest statistic
//    reaches it) / (1 + permutations) <= significance;
//  - |relative_step| >= min_relative_step;
//  - it persists: the new segment's median differs from the old segment's by
//    at least min_relative_step too (a lone outlier moves a mean, but the
//    median of three or more points hardly), and each of the first
//    min_segment runs from index on lies closer to the new median than to the
//    old one. So a single outlier, anywhere, is never a change point, and
//    neither is a step in the last min_segment - 1 runs: it has not held
//    long enough yet.
// Cutting a linear drift of slope s anywhere gives two segments whose means
// (and medians) differ by s * L / 2 for a window of L runs; so a drift whose
// s * n / 2 over the n runs of the series is under min_relative_step of the
// series' smallest value (0.3% a run over 30 runs: at most 4.5% < 5%) is never
// reported, and a steeper one is reported as one or more steps.
// Permutations come from std::mt19937_64 seeded from options.seed and the
// segment's bounds, mapped without std:: distributions, so a history gives
// the same answer on every machine. Series shorter than 2 * min_segment, or
// constant, have no change points. Throws std::invalid_argument for a
// non-finite value, min_segment < 2, permutations == 0, significance outside
// (0, 1] or a negative min_relative_step.
std::vector<ChangePoint> detect_change_points(std::span<const double> series,
                                              const ChangePointOptions& options = {});

}  // namespace membench::stats
