#include "analyze/compare.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string_view>
#include <unordered_map>

#include "analyze/mann_whitney.h"
#include "analyze/paired.h"
#include "analyze/paired_time.h"
#include "analyze/paired_verdict.h"
#include "analyze/site_diff.h"
#include "analyze/statistics.h"
#include "analyze/time_samples.h"
#include "report/sites.h"
#include "util/read_file.h"

namespace membench::analyze {

using nlohmann::json;
using report::CaseResult;
using report::Status;

// ---- comparing -------------------------------------------------------------------

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::unchanged: return "unchanged";
    case Verdict::within: return "within threshold";
    case Verdict::not_significant: return "not significant";
    case Verdict::improved: return "improved";
    case Verdict::regressed: return "REGRESSED";
    case Verdict::unavailable: return "unavailable";
  }
  return "?";
}

bool CaseComparison::status_regressed() const {
  return base_status == Status::ok && head_status != Status::ok;
}

bool CaseComparison::status_fixed() const {
  return base_status != Status::ok && head_status == Status::ok;
}

int CaseComparison::regression_count() const {
  int n = status_regressed() ? 1 : 0;
  for (const MetricChange& m : metrics)
    if (m.verdict == Verdict::regressed) ++n;
  return n;
}

bool CaseComparison::changed() const {
  if (base_status != head_status || digest_changed) return true;
  for (const MetricChange& m : metrics) {
    if (m.verdict == Verdict::regressed || m.verdict == Verdict::improved ||
        m.verdict == Verdict::not_significant || m.verdict == Verdict::unavailable)
      return true;
    // Deterministic figures that moved at all are worth a line even when tolerated.
    if (m.verdict == Verdict::within && m.metric->kind == MetricKind::exact) return true;
  }
  return false;
}

int Comparison::regression_count() const {
  int n = 0;
  for (const CaseComparison& c : cases) n += c.regression_count();
  return n;
}

int Comparison::regressed_case_count() const {
  int n = 0;
  for (const CaseComparison& c : cases) n += c.regression_count() > 0 ? 1 : 0;
  return n;
}

std::optional<double> metric_value(const CaseResult& c, const std::string& name) {
  const report::Metric* m = report::find_metric(name);
  return m ? m->value(c) : std::nullopt;
}

namespace {

double relative_change(double base, double head) {
  double delta = head - base;
  if (delta == 0) return 0;
  if (base == 0) return delta > 0 ? std::numeric_limits<double>::infinity()
                                  : -std::numeric_limits<double>::infinity();
  return delta / std::fabs(base);
}


// A case's timed pairs under `ab`: real time and, when both sides measured
// it alike, CPU time.
struct PairedCase {
  PairedSeries real, cpu;
};

// The verdict for a change beyond the threshold, once the interval or test
// says whether it is real: a change inside the noise floor is never claimed.
void settle(MetricChange& m, Verdict beyond, bool inside_floor, double floor, bool significant,
            const std::string& evidence) {
  m.noise_floor = floor;
  if (inside_floor) {
    m.verdict = Verdict::within;
    m.note = "within this case's noise floor (" + format_percent(floor) + ")";
  } else if (significant) {
    m.verdict = beyond;
    m.note = evidence;
  } else {
    m.verdict = Verdict::not_significant;
    m.note = evidence;
  }
}

std::string format_factor(double f) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2fx", f);
  return buf;
}

// Two runs taken at different times. Only the spread between each run's
// processes is known, not the drift between the runs. On a shared machine
// most of that drift is time the benchmarking thread spent waiting for a
// core, which its CPU time leaves out: when the two runs waited differently,
// the machine's load, not the code, may have moved the time, so no verdict.
MetricChange judge_unpaired(MetricChange m, const MetricInfo& info, const CaseResult& b, const CaseResult& h,
                            const Thresholds& all) {
  const std::vector<double> pb = b.time ? process_medians(*b.time) : std::vector<double>{};
  const std::vector<double> ph = h.time ? process_medians(*h.time) : std::vector<double>{};
  if (pb.size() < 2 || ph.size() < 2) {
    m.verdict = Verdict::not_significant;
    m.note = "one timed process on a side: its repetitions cannot tell a change from noise (use membench ab)";
    return m;
  }
  double floor = m.threshold.relative;
  for (const std::vector<double>* side : {&pb, &ph})
    if (side->size() >= 3) floor = std::max(floor, stats::noise_floor(*side).value_or(0));
  m.noise_floor = floor;
  if (pb.size() < all.min_repetitions || ph.size() < all.min_repetitions) {
    m.threshold_only = true;
    m.verdict = std::fabs(m.relative) <= floor ? Verdict::within : Verdict::not_significant;
    m.note = "processes " + std::to_string(pb.size()) + " vs " + std::to_string(ph.size()) + " (< " +
             std::to_string(all.min_repetitions) + "): too few for a test";
    return m;
  }
  const std::optional<double> wb = off_cpu_factor(*b.time), wh = off_cpu_factor(*h.time);
  if (!wb || !wh || std::fabs(std::log(*wh / *wb)) > std::log1p(all.unpaired_load_tolerance)) {
    m.verdict = Verdict::not_significant;
    m.note = !wb || !wh ? std::string("no time verdict: no CPU time to tell the machine's load from a change")
                        : "no time verdict: one run waited off the CPU more than the other (real time " +
                              format_factor(*wb) + " vs " + format_factor(*wh) +
                              " the CPU time: a busy machine?); use membench ab";
    return m;
  }
  const bool throughput = info.kind == MetricKind::throughput;
  // Judged as a ratio of times, so that a doubling and a halving are the
  // same distance from no change, and time and throughput agree.
  const double time_ratio = throughput ? 1 / (1 + m.relative) : 1 + m.relative;
  const bool inside = std::fabs(std::log(time_ratio)) <= std::log1p(floor);
  stats::MannWhitneyResult u = stats::mann_whitney_u(pb, ph);
  m.p_value = u.p_value;
  const bool worse = info.higher_is_better ? m.relative < 0 : m.relative > 0;
  settle(m, worse ? Verdict::regressed : Verdict::improved, inside, floor, u.p_value < all.alpha,
         "unpaired, " + std::to_string(pb.size()) + " vs " + std::to_string(ph.size()) +
             " processes, U test p = " + format_p_value(u.p_value));
  return m;
}

// Time and throughput after the threshold test. The unit of evidence is a
// process (a pair of processes with `ab`), never a repetition: repetitions of
// one process share its memory layout and its minute on the machine.
MetricChange judge_timed(MetricChange m, const MetricInfo& info, const CaseResult& b, const CaseResult& h,
                         const Thresholds& all, const PairedCase* paired) {
  if (paired) return judge_paired_time(m, info, all, paired->real, paired->cpu, cpu_time_unavailable(b, h));
  return judge_unpaired(m, info, b, h, all);
}

MetricChange judge(const MetricInfo& info, double base, double head, const Threshold& threshold,
                   const CaseResult& b, const CaseResult& h, const Thresholds& all, const PairedCase* paired) {
  MetricChange m;
  m.metric = &info;
  m.base = base;
  m.head = head;
  m.delta = head - base;
  m.relative = relative_change(base, head);
  m.threshold = threshold;
  const bool timed = info.kind == MetricKind::time || info.kind == MetricKind::throughput;
  // Paired times are judged on the pairs, whatever the two medians say.
  if (m.delta == 0 && !(timed && paired)) {
    m.verdict = Verdict::unchanged;
    return m;
  }
  if (threshold.ignore) {
    m.verdict = Verdict::within;
    m.note = "not gated for this case";
    return m;
  }
  if (timed) return judge_timed(m, info, b, h, all, paired);
  const double sign = info.higher_is_better ? -1 : 1;
  const double worse_abs = sign * m.delta, worse_rel = sign * m.relative;
  const bool beyond_worse = worse_abs > threshold.absolute && worse_rel > threshold.relative;
  const bool beyond_better = -worse_abs > threshold.absolute && -worse_rel > threshold.relative;
  if (!beyond_worse && !beyond_better) {
    m.verdict = Verdict::within;
    return m;
  }
  const Verdict beyond = beyond_worse ? Verdict::regressed : Verdict::improved;
  if (info.kind == MetricKind::exact) {
    m.verdict = beyond;
    return m;
  }
  // RSS. One memory run per case: there is no sample to test.
  m.threshold_only = true;
  m.note = "single memory run: threshold only";
  m.verdict = beyond;
  return m;
}

// Peak RSS under ab: the memory runs its timed processes made, in pairs. One
// run per build moves by up to some hundreds of KiB (docs/ab.md, "Peak RSS
// is judged on pairs too"); the pairs' median difference, tested for a
// consistent sign, does not.
MetricChange judge_paired_rss(const MetricInfo& info, const Threshold& threshold, const Thresholds& all,
                              const std::vector<std::pair<double, double>>& runs) {
  MetricChange m;
  m.metric = &info;
  m.threshold = threshold;
  std::vector<double> base, head, diff;
  for (const auto& [b, h] : runs) {
    base.push_back(b);
    head.push_back(h);
    diff.push_back(h - b);
  }
  m.base = stats::median(base);
  m.head = stats::median(head);
  m.delta = stats::median(diff);
  m.relative = relative_change(m.base, m.base + m.delta);
  stats::WilcoxonResult w = stats::wilcoxon_signed_rank(diff);
  m.p_value = w.p_value;
  std::string evidence = std::to_string(runs.size()) + " paired memory runs: median difference " +
                         format_delta(info.unit, m.delta) + ", Wilcoxon p = " + format_p_value(w.p_value);
  if (threshold.ignore) {
    m.verdict = Verdict::within;
    m.note = "not gated for this case";
    return m;
  }
  if (m.delta == 0) {
    m.verdict = Verdict::unchanged;
    m.note = evidence;
    return m;
  }
  const bool worse = m.delta > threshold.absolute && m.relative > threshold.relative;
  const bool better = -m.delta > threshold.absolute && -m.relative > threshold.relative;
  m.note = evidence;
  if (!worse && !better) m.verdict = Verdict::within;
  else if (runs.size() >= kMinPairs && w.p_value < all.alpha) m.verdict = worse ? Verdict::regressed : Verdict::improved;
  else m.verdict = Verdict::not_significant;
  return m;
}

// The runs of a case that `ab` paired, when there are at least `least`.
const std::vector<std::pair<double, double>>* runs_of(
    const std::map<std::string, std::vector<std::pair<double, double>>>& by_case, const std::string& id,
    std::size_t least) {
  auto it = by_case.find(id);
  return it != by_case.end() && it->second.size() >= least ? &it->second : nullptr;
}

// Every metric of the catalogue that either side measured, judged.
std::vector<MetricChange> judge_metrics(const CaseResult& b, const CaseResult& h, const Thresholds& thresholds,
                                        const PairedTimes* paired) {
  std::vector<MetricChange> out;
  for (const MetricInfo& info : compared_metrics()) {
    std::optional<double> bv = metric_value(b, info.name), hv = metric_value(h, info.name);
    if (!bv && !hv) continue;
    if (!bv || !hv) {
      MetricChange m;
      m.metric = &info;
      m.base = bv.value_or(0);
      m.head = hv.value_or(0);
      m.verdict = Verdict::unavailable;
      m.note = std::string("missing in ") + (bv ? "head" : "base");
      out.push_back(m);
      continue;
    }
    const Threshold threshold = thresholds.for_case(h.id, info.name);
    // The pairs hold peak RSS Δ alone; a figure derived from it is judged as one run.
    if (paired && std::string_view(info.name) == report::metric(report::MetricId::peak_rss_delta).name)
      if (const auto* runs = runs_of(paired->peak_rss, h.id, 1)) {
        out.push_back(judge_paired_rss(info, threshold, thresholds, *runs));
        continue;
      }
    std::optional<PairedCase> pc;
    if (const auto* pairs = paired ? runs_of(paired->by_case, h.id, 0) : nullptr) {
      pc.emplace();
      pc->real = {pairs, runs_of(paired->same_build, h.id, 3), ""};
      if (cpu_time_unavailable(b, h).empty())
        pc->cpu = {runs_of(paired->cpu, h.id, 0), runs_of(paired->cpu_same_build, h.id, 3), h.time->cpu_clock};
    }
    out.push_back(judge(info, *bv, *hv, threshold, b, h, thresholds, pc ? &*pc : nullptr));
  }
  return out;
}

int sort_rank(const CaseComparison& c) {
  if (c.regression_count() > 0) return 0;
  if (c.changed()) return 1;
  return 2;
}

}  // namespace

Comparison compare_reports(const report::Report& base, const report::Report& head,
                           const Thresholds& thresholds, const PairedTimes* paired) {
  Comparison out;
  out.paired = paired != nullptr;
  out.thresholds = thresholds;
  out.base_context = base.context;
  out.head_context = head.context;
  std::unordered_map<std::string, const CaseResult*> base_by_id, head_by_id;
  for (const CaseResult& c : base.results) base_by_id.emplace(c.id, &c);
  for (const CaseResult& c : head.results) head_by_id.emplace(c.id, &c);
  for (const CaseResult& c : base.results)
    if (!head_by_id.count(c.id) &&
        std::find(out.only_in_base.begin(), out.only_in_base.end(), c.id) == out.only_in_base.end())
      out.only_in_base.push_back(c.id);

  for (const CaseResult& h : head.results) {
    auto it = base_by_id.find(h.id);
    if (it == base_by_id.end()) {
      if (std::find(out.only_in_head.begin(), out.only_in_head.end(), h.id) == out.only_in_head.end())
        out.only_in_head.push_back(h.id);
      continue;
    }
    if (head_by_id.at(h.id) != &h) continue;  // a duplicate id: the first one counts
    const CaseResult& b = *it->second;
    CaseComparison cc;
    cc.id = h.id;
    cc.workload = h.workload;
    cc.strategy = h.strategy;
    cc.dataset = h.dataset;
    cc.allocator = h.allocator;
    cc.base_status = b.status;
    cc.head_status = h.status;
    cc.base_error = b.error;
    cc.head_error = h.error;
    cc.base_digest = b.output_digest;
    cc.head_digest = h.output_digest;
    cc.base = &b;
    cc.head = &h;
    cc.base_repetitions = b.time ? b.time->real_ns.size() : 0;
    cc.head_repetitions = h.time ? h.time->real_ns.size() : 0;
    const bool both_ok = b.status == Status::ok && h.status == Status::ok;
    cc.digest_changed = both_ok && !b.output_digest.empty() && !h.output_digest.empty() &&
                        b.output_digest != h.output_digest;
    // A case that did not complete on either side has no figures worth judging.
    if (both_ok) cc.metrics = judge_metrics(b, h, thresholds, paired);
    out.cases.push_back(std::move(cc));
  }
  std::stable_sort(out.cases.begin(), out.cases.end(),
                   [](const CaseComparison& x, const CaseComparison& y) { return sort_rank(x) < sort_rank(y); });
  return out;
}

std::string time_basis(const Comparison& c) {
  if (c.paired) {
    std::string basis =
        "paired: each case's timed processes ran base and head in turn, judged on the pairs "
        "(Wilcoxon signed-rank, bootstrap interval of the median ratio)";
    const json ab = c.head_context.value("ab", json::object());
    if (const std::string scheduling = ab.value("scheduling", ""); scheduling == "normal") {
      basis += "; timed at normal priority";
      if (const std::string why = ab.value("scheduling_note", ""); !why.empty()) basis += " (" + why + ")";
    } else if (!scheduling.empty()) {
      basis += "; timed at real-time priority (" + scheduling + ")";
    }
    return basis;
  }
  return "unpaired: two runs taken at different times, judged on their process-to-process spread, and "
         "only where both waited off the CPU alike (a busy machine's drift is not cancelled; membench ab "
         "pairs the runs)";
}

namespace {

// Every changed site of a case (the text forms show the first few).
json site_changes_json(const SiteDiff& d) {
  json out = json::array();
  for (const SiteChange& s : d.changes) {
    report::AllocationSite probe;
    probe.frames = s.frames;
    json e = {{"where", report::location_text(probe)},
              {"frames", report::site_frames_json(s.frames)},
              {"base", report::site_figures_json(s.base)},
              {"head", report::site_figures_json(s.head)}};
    if (std::string note = listing_note(s, d); !note.empty()) e["note"] = note;
    out.push_back(std::move(e));
  }
  return out;
}

// Paired time: which measure decided, and the CPU time's own evidence.
void add_cpu_json(json& e, const MetricChange& m) {
  if (!m.decided_by.empty()) e["decided_by"] = m.decided_by;
  if (m.real_verdict) e["real_verdict"] = to_string(*m.real_verdict);
  if (!m.cpu_unavailable.empty()) e["cpu_unavailable"] = m.cpu_unavailable;
  if (!m.cpu) return;
  e["cpu"] = {{"relative", m.cpu->relative},
              {"interval", {m.cpu->interval_low, m.cpu->interval_high}},
              {"noise_floor", m.cpu->noise_floor},
              {"p_value", m.cpu->p_value},
              {"pairs", m.cpu->pairs},
              {"verdict", to_string(m.cpu->verdict)},
              {"clock", m.cpu->clock}};
}

}  // namespace

json comparison_to_json(const Comparison& c) {
  std::map<const CaseComparison*, const SiteDiff*> sites_of;
  const std::vector<CaseSiteChanges> changed_sites = site_changes(c);
  for (const CaseSiteChanges& s : changed_sites) sites_of[s.comparison] = &s.diff;
  json cases = json::array();
  for (const CaseComparison& cc : c.cases) {
    json metrics = json::array();
    for (const MetricChange& m : cc.metrics) {
      json e = {{"metric", m.metric->name}, {"base", m.base},       {"head", m.head},
                {"delta", m.delta},         {"verdict", to_string(m.verdict)},
                {"threshold_relative", m.threshold.relative},
                {"threshold_absolute", m.threshold.absolute}};
      // JSON has no infinity: a change from zero has no relative figure.
      e["relative"] = std::isfinite(m.relative) ? json(m.relative) : json(nullptr);
      if (m.p_value) e["p_value"] = *m.p_value;
      if (m.interval_low && m.interval_high) e["interval"] = {*m.interval_low, *m.interval_high};
      if (m.noise_floor) e["noise_floor"] = *m.noise_floor;
      if (m.pairs) e["pairs"] = *m.pairs;
      add_cpu_json(e, m);
      if (m.threshold_only) e["threshold_only"] = true;
      if (!m.note.empty()) e["note"] = m.note;
      metrics.push_back(std::move(e));
    }
    json e = {{"id", cc.id},
              {"base_status", report::to_string(cc.base_status)},
              {"head_status", report::to_string(cc.head_status)},
              {"regressions", cc.regression_count()},
              {"status_regressed", cc.status_regressed()},
              {"digest_changed", cc.digest_changed},
              {"base_repetitions", cc.base_repetitions},
              {"head_repetitions", cc.head_repetitions},
              {"metrics", std::move(metrics)}};
    if (!cc.head_error.empty()) e["head_error"] = cc.head_error;
    if (auto it = sites_of.find(&cc); it != sites_of.end()) e["site_changes"] = site_changes_json(*it->second);
    cases.push_back(std::move(e));
  }
  return {{"base", c.base_label},
          {"head", c.head_label},
          {"paired", c.paired},
          {"time_basis", time_basis(c)},
          {"regressions", c.regression_count()},
          {"thresholds", c.thresholds.describe()},
          {"cases", std::move(cases)},
          {"only_in_base", c.only_in_base},
          {"only_in_head", c.only_in_head}};
}

}  // namespace membench::analyze
