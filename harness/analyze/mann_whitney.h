// Mann-Whitney U test (Wilcoxon rank-sum): do two samples come from the same
// distribution? compare uses it on the per-repetition times, which are
// neither normal nor free of outliers, so a rank test suits them.
#pragma once

#include <cstddef>
#include <span>

namespace membench::stats {

enum class MannWhitneyMethod {
  automatic,  // exact when there are no ties and both samples are small, else normal
  exact,      // exact null distribution (requires no ties; ties fall back to normal)
  normal,     // normal approximation with tie and continuity correction
};

struct MannWhitneyResult {
  double u1 = 0;       // U of the first sample: pairs (a, b) with a > b, ties counting 1/2
  double u2 = 0;       // U of the second sample: n1 * n2 - u1
  double p_value = 1;  // two-sided
  bool exact = false;  // whether p_value comes from the exact distribution
};

// Largest sample size for which `automatic` uses the exact distribution.
inline constexpr std::size_t kMannWhitneyExactLimit = 50;

// Two-sided test. An empty sample gives p = 1. Matches scipy.stats.mannwhitneyu
// (use_continuity=True) for the same method.
MannWhitneyResult mann_whitney_u(std::span<const double> a, std::span<const double> b,
                                 MannWhitneyMethod method = MannWhitneyMethod::automatic);

}  // namespace membench::stats
