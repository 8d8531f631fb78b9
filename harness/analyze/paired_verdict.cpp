#include "analyze/paired_verdict.h"

#include <algorithm>
#include <cmath>

#include "analyze/paired.h"

namespace membench::analyze {
namespace {

// What a change must exceed to be told from this case's noise: the
// half-width of the interval the median ratio between runs of one build
// would have, from the spread of those ratios.
double aa_floor(const std::vector<std::pair<double, double>>& runs) {
  std::vector<double> ratios;
  for (const auto& [a, b] : runs)
    if (a > 0 && b > 0 && std::isfinite(a) && std::isfinite(b)) ratios.push_back(b / a);
  return stats::spread_floor(ratios).value_or(0);
}

}  // namespace

std::optional<PairedTimeEvidence> paired_time_evidence(const std::vector<std::pair<double, double>>& pairs,
                                                       const std::vector<std::pair<double, double>>* same_build,
                                                       double min_effect, double alpha) {
  std::vector<double> bt, ht, log_diff;
  for (const auto& [bv, hv] : pairs) {
    if (!(bv > 0) || !(hv > 0)) continue;
    bt.push_back(bv);
    ht.push_back(hv);
    log_diff.push_back(std::log(hv) - std::log(bv));
  }
  if (bt.size() < 2) return std::nullopt;
  PairedTimeEvidence e;
  e.pairs = bt.size();
  const stats::RatioInterval ri = stats::paired_ratio_interval(bt, ht);
  e.ratio = ri.median_ratio;
  e.low = ri.low;
  e.high = ri.high;
  e.p_value = stats::wilcoxon_signed_rank(log_diff).p_value;
  const bool from_same_build = same_build && same_build->size() >= 3;
  const double noise = from_same_build ? aa_floor(*same_build) : stats::noise_floor(bt).value_or(0);
  e.floor = std::max(min_effect, noise);
  e.min_effect = min_effect;
  e.floor_is_noise = noise > min_effect;
  // The change must be at least the minimum effect and the noise floor
  // with 95% confidence, not merely differ from none: on a busy host an
  // interval that only just excluded 0 ([+0.2%, +58%]), and one that
  // reached below a 10.5% floor ([+7.9%, +29%]), were A/A false alarms.
  e.clears_floor = e.ratio > 1 ? e.low - 1 > e.floor : 1 - e.high > e.floor;
  e.enough = e.pairs >= kMinPairs;
  e.significant = e.enough && e.clears_floor && e.p_value < alpha;
  return e;
}

bool more_pairs_could_settle(const PairedTimeEvidence& e, Look look) {
  if (e.significant) return false;
  if (std::fabs(e.ratio - 1) > e.min_effect) return true;
  // An estimate inside the minimum effect whose first pairs still allow twice
  // it: under load a 10% change's estimate fell under 5% by chance at 8
  // pairs while its interval reached past 40%. One more batch shows where its
  // estimate lies. Twice, and on the first look only: an interval reaching
  // past the minimum effect is what most unchanged cases have on a busy
  // machine, and asking for pairs until it narrowed cost an A/A ab 3.9 to 4.8x a
  // run (docs/time-gate-loaded.md, "More pairs while the interval is wide").
  const double reach = kWideIntervalReach * e.min_effect;
  return look == Look::first && (e.low < 1 - reach || e.high > 1 + reach);
}

const char* to_string(TimeMeasure m) {
  switch (m) {
    case TimeMeasure::none: return "none";
    case TimeMeasure::real: return "real";
    case TimeMeasure::cpu: return "cpu";
    case TimeMeasure::both: return "real and cpu";
  }
  return "?";
}

TimeMeasure deciding_measure(const PairedTimeEvidence& real, const PairedTimeEvidence* cpu) {
  const bool cpu_shows = cpu && cpu->significant;
  if (real.significant) {
    const bool agree = cpu_shows && (cpu->ratio > 1) == (real.ratio > 1);
    return agree ? TimeMeasure::both : TimeMeasure::real;
  }
  return cpu_shows ? TimeMeasure::cpu : TimeMeasure::none;
}

bool more_pairs_could_settle(const PairedTimeEvidence& real, const PairedTimeEvidence* cpu, Look look) {
  if (deciding_measure(real, cpu) != TimeMeasure::none) return false;
  return more_pairs_could_settle(real, look) || (cpu && more_pairs_could_settle(*cpu, look));
}

}  // namespace membench::analyze
