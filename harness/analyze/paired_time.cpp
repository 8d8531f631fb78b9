#include "analyze/paired_time.h"

#include <cmath>

#include "analyze/paired_verdict.h"

namespace membench::analyze {
namespace {

// One measure's figures in the metric's own direction: throughput is bytes
// over the same time, so its ratio and interval are the inverse.
struct Oriented {
  double relative, low, high;
};
Oriented oriented(const PairedTimeEvidence& e, bool throughput) {
  if (throughput) return {1 / e.ratio - 1, 1 / e.high - 1, 1 / e.low - 1};
  return {e.ratio - 1, e.low - 1, e.high - 1};
}

// What one measure alone says: a change inside the floor is never claimed.
Verdict own_verdict(const PairedTimeEvidence& e, const MetricInfo& info, bool throughput) {
  const double relative = oriented(e, throughput).relative;
  if (std::fabs(relative) <= e.floor) return relative == 0 ? Verdict::unchanged : Verdict::within;
  if (!e.significant) return Verdict::not_significant;
  const bool worse = info.higher_is_better ? relative < 0 : relative > 0;
  return worse ? Verdict::regressed : Verdict::improved;
}

// Neither measure shows a change: "not significant" when either estimate
// lies beyond its floor unproven (more pairs might show it), else "within".
Verdict settled_as_no_change(Verdict real, Verdict cpu) {
  if (real == Verdict::unchanged && cpu == Verdict::unchanged) return Verdict::unchanged;
  if (real == Verdict::not_significant || cpu == Verdict::not_significant) return Verdict::not_significant;
  return Verdict::within;
}

std::string evidence_text(const PairedTimeEvidence& e) {
  std::string text = std::to_string(e.pairs) + " pairs, Wilcoxon p = " + format_p_value(e.p_value);
  if (!e.enough) text += " (under 6 pairs no change is significant)";
  else if (!e.clears_floor)
    text += "; the 95% interval does not clear the " + format_percent(e.floor) +
            (e.floor_is_noise ? " noise floor" : " minimum effect");
  return text;
}


std::string clock_words(const std::string& clock) {
  return clock == "children" ? "user + system time" : "CPU time of all its threads";
}

// The note of a verdict judged on both measures: which decided, and why
// (the intervals are the metric's and its `cpu`'s).
std::string combined_note(TimeMeasure decided, Verdict cpu, const PairedTimeEvidence& re,
                          const PairedTimeEvidence& ce, const std::string& clock) {
  const std::string evidence = "real: " + evidence_text(re) + "; CPU: " + evidence_text(ce);
  switch (decided) {
    case TimeMeasure::both: return "decided by real and CPU time, which agree; " + evidence;
    case TimeMeasure::cpu:
      return "decided by CPU time (" + clock_words(clock) + "): real time's " + format_percent(re.floor) +
             " floor is too wide to see the change; " + evidence;
    case TimeMeasure::real:
      if (cpu == Verdict::regressed || cpu == Verdict::improved)
        return "decided by real time, which a user waits for; CPU time moved the other way; " + evidence;
      return "decided by real time alone: CPU time did not show it, so the process waited longer (I/O, a lock, "
             "a sleep, a busy machine) rather than computing longer; " + evidence;
    case TimeMeasure::none: break;
  }
  return "neither real nor CPU time shows a change; " + evidence;
}

// A MetricChange (real time) and its CpuEvidence name these figures alike.
template <class Figures>
void set_paired_figures(Figures& f, const PairedTimeEvidence& e, bool throughput) {
  const Oriented o = oriented(e, throughput);
  f.relative = o.relative;
  f.interval_low = o.low;
  f.interval_high = o.high;
  f.p_value = e.p_value;
  f.pairs = e.pairs;
  f.noise_floor = e.floor;
}

}  // namespace

std::string cpu_time_unavailable(const report::CaseResult& base, const report::CaseResult& head) {
  const std::string b = base.time ? base.time->cpu_clock : "", h = head.time ? head.time->cpu_clock : "";
  if (b.empty() || h.empty())
    return "no CPU time verdict: " + std::string(b.empty() ? "base" : "head") +
           " measured the benchmarking thread's CPU time only (a build from before cpu_clock), which leaves out "
           "helper threads";
  if (b != h) return "no CPU time verdict: the builds measured CPU time differently (" + b + " vs " + h + ")";
  return "";
}

MetricChange judge_paired_time(MetricChange m, const MetricInfo& info, const Thresholds& all, PairedSeries real,
                               PairedSeries cpu, const std::string& cpu_unavailable) {
  const bool throughput = info.kind == MetricKind::throughput;
  const std::optional<PairedTimeEvidence> re =
      paired_time_evidence(*real.pairs, real.same_build, m.threshold.relative, all.alpha);
  if (!re) {
    m.verdict = Verdict::not_significant;
    m.note = "under 2 timed pairs: too few to judge";
    return m;
  }
  set_paired_figures(m, *re, throughput);
  const Verdict real_verdict = own_verdict(*re, info, throughput);
  m.verdict = real_verdict;
  m.note = real_verdict == Verdict::within ? "within this case's noise floor (" + format_percent(re->floor) + ")"
                                           : evidence_text(*re);
  const std::optional<PairedTimeEvidence> ce =
      cpu.pairs ? paired_time_evidence(*cpu.pairs, cpu.same_build, m.threshold.relative, all.alpha) : std::nullopt;
  if (!ce) {
    m.cpu_unavailable = cpu.pairs ? "no CPU time verdict: under 2 pairs with CPU time" : cpu_unavailable;
    if (!m.cpu_unavailable.empty()) m.decided_by = to_string(TimeMeasure::real);
    return m;
  }
  MetricChange::CpuEvidence c;
  set_paired_figures(c, *ce, throughput);
  c.verdict = own_verdict(*ce, info, throughput);
  c.clock = cpu.clock;
  const TimeMeasure decided = deciding_measure(*re, &*ce);
  m.real_verdict = real_verdict;
  m.decided_by = to_string(decided);
  if (decided == TimeMeasure::cpu) m.verdict = c.verdict;
  else if (decided == TimeMeasure::none)
    m.verdict = settled_as_no_change(real_verdict, c.verdict);
  m.note = combined_note(decided, c.verdict, *re, *ce, c.clock);
  m.cpu = std::move(c);
  return m;
}

}  // namespace membench::analyze
