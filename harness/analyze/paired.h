// Statistics for before/after runs measured in interleaved pairs
// (base_1, head_1), (base_2, head_2), ...: both members of a pair see the same
// machine state, so per-pair differences and ratios cancel most of the drift
// and background load that two separate batches would mix into the result.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace membench::stats {

struct WilcoxonResult {
  double w_plus = 0;      // sum of the ranks of |d| over the positive differences
  std::size_t n = 0;      // differences used: zeros are dropped (Wilcoxon's convention)
  double z = 0;           // normal score of w_plus, tie and continuity corrected; > 0 when
                          // positive differences dominate (also filled when p is exact)
  double p_value = 1;     // two-sided
  bool exact = false;     // whether p_value comes from the exact null distribution
};

// Largest n for which the exact distribution is used (when |d| has no ties).
inline constexpr std::size_t kWilcoxonExactLimit = 25;

// Wilcoxon signed-rank test of "the differences are symmetric about zero".
// Zero differences carry no sign and are dropped before ranking, so n counts
// the non-zero ones; n = 0 or 1 gives p = 1. With n <= kWilcoxonExactLimit and
// no ties among |d| the p-value is exact, otherwise the normal approximation
// with tie and continuity correction. The approximation matches
// scipy.stats.wilcoxon(d, zero_method="wilcox", correction=True,
// method="approx"); the exact p matches method="exact" on the non-zero
// differences (scipy itself falls back to the approximation when zeros exist).
// Throws std::invalid_argument for a non-finite difference.
WilcoxonResult wilcoxon_signed_rank(std::span<const double> differences);

struct RatioInterval {
  double median_ratio = 1;  // median of head_i / base_i
  double low = 1;           // bootstrap confidence interval of that median
  double high = 1;
};

// Default seed of the bootstrap ("membench" in ASCII).
inline constexpr std::uint64_t kBootstrapSeed = 0x6d656d62656e6368ULL;

// Percentile bootstrap confidence interval of the median of the per-pair
// ratios head_i / base_i: `resamples` resamples of the n ratios drawn with
// replacement, the interval being the (1 - confidence) / 2 and
// (1 + confidence) / 2 quantiles (linear interpolation) of their medians.
// The draws come from std::mt19937_64 seeded with `seed` and mapped to indices
// without std:: distributions, so the same inputs and seed give the same
// interval bit for bit on every machine and standard library.
// Throws std::invalid_argument when the sizes differ, the input is empty, a
// value is not a positive finite number, confidence is not in (0, 1) or
// resamples is 0.
RatioInterval paired_ratio_interval(std::span<const double> base, std::span<const double> head,
                                    double confidence = 0.95, std::size_t resamples = 10000,
                                    std::uint64_t seed = kBootstrapSeed);

// The smallest relative change this machine can tell apart for a case, from
// the spread of the base alone. The ratios of consecutive base runs
// b[i+1] / b[i] are an A/A pairing taken from the same interleaved session;
// their median's interval comes from paired_ratio_interval's bootstrap (same
// confidence, resamples and seed), and the floor is its half-width as a
// fraction: max(high - 1, 1 - low). 0.02 means a change under about 2% cannot
// be told from noise. A steady trend in the base (warm-up, thermal drift)
// shifts the interval off 1 and so raises the floor, which is intended.
// Returns std::nullopt for fewer than 3 samples (under two ratios the
// bootstrap has nothing to resample and would claim a floor of 0).
// Throws std::invalid_argument like paired_ratio_interval.
std::optional<double> noise_floor(std::span<const double> base_samples_in_run_order,
                                  double confidence = 0.95, std::size_t resamples = 10000,
                                  std::uint64_t seed = kBootstrapSeed);

// The half-width, as a fraction, of the 95% interval that the median of
// `ratios` (runs of one build against the run before) would have, from their
// spread: 1.96 × sqrt(pi / 2) × sigma / sqrt(n) on the log scale, sigma being
// 1.4826 × the median absolute deviation of the log ratios (the standard
// deviation, were they normal). A bootstrap interval of the median of a few
// ratios spans nearly all of them, so one stray run set the floor; the
// median absolute deviation ignores up to half of them (docs/time-gate-loaded.md,
// "More, shorter timed processes"). Returns std::nullopt for fewer than 3
// ratios. Throws std::invalid_argument for a ratio that is not positive and finite.
std::optional<double> spread_floor(std::span<const double> ratios);

}  // namespace membench::stats
