// The time verdict of `membench ab` on interleaved pairs (docs/ab.md, "The
// time verdict"), apart from how it is worded: compare judges a case
// with it, and ab asks it whether a case needs more pairs.
#pragma once

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

namespace membench::analyze {

// Under 6 pairs the exact signed-rank test cannot reach p < 0.05 (its
// smallest p is 2/2^n); the tie-corrected approximation could, wrongly.
inline constexpr std::size_t kMinPairs = 6;

struct PairedTimeEvidence {
  std::size_t pairs = 0;  // pairs with both times positive
  // Head over base time: the median per-pair ratio and its 95% bootstrap interval.
  double ratio = 1, low = 1, high = 1;
  double p_value = 1;  // Wilcoxon signed-rank on the log ratios
  // What a change must clear: the larger of the minimum effect and this
  // case's noise floor (from the spread of its same-build runs).
  double floor = 0;
  double min_effect = 0;        // the smallest change that counts (--min-effect)
  bool floor_is_noise = false;  // the noise floor, not the minimum effect, set it
  bool enough = false;          // at least kMinPairs pairs
  bool clears_floor = false;    // the interval lies wholly beyond the floor
  bool significant = false;     // enough, clears the floor, and p < alpha
};

// The evidence of `pairs` ((base, head) times in run order; non-positive
// ones are left out) with the noise floor from `same_build` (adjacent runs of
// one build) when it holds at least 3, else from consecutive base runs.
// std::nullopt under 2 usable pairs.
std::optional<PairedTimeEvidence> paired_time_evidence(const std::vector<std::pair<double, double>>& pairs,
                                                       const std::vector<std::pair<double, double>>* same_build,
                                                       double min_effect, double alpha);

// Whether more pairs could settle the case: no change is claimed, yet the
// median ratio lies beyond the minimum effect or, on the first look (the
// first batch of pairs), the interval reaches past kWideIntervalReach times
// it. The interval, or a noise floor that few same-build runs made wide,
// stands in the way, and both narrow with more pairs. Any other case stays as
// it is: more pairs would most likely only confirm "no change" (docs/ab.md).
inline constexpr double kWideIntervalReach = 2;
enum class Look { first, later };
bool more_pairs_could_settle(const PairedTimeEvidence& e, Look look);

// Which measure settles a case judged on real time and, beside it, CPU time
// (docs/time-gate.md). Real time is what a user waits for: when it shows a
// change it decides, even against the CPU time. Where its floor is too wide
// to show one, a change the CPU time shows decides.
enum class TimeMeasure { none, real, cpu, both };
const char* to_string(TimeMeasure m);  // "none", "real", "cpu", "real and cpu"
TimeMeasure deciding_measure(const PairedTimeEvidence& real, const PairedTimeEvidence* cpu);

// Whether more pairs could settle a case judged on both: neither decides
// yet, and one of them could.
bool more_pairs_could_settle(const PairedTimeEvidence& real, const PairedTimeEvidence* cpu, Look look);

}  // namespace membench::analyze
