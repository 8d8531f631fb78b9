#include "analyze/compare.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>
#include <unordered_map>

#include "analyze/mann_whitney.h"
#include "analyze/paired.h"
#include "analyze/time_samples.h"
#include "util/read_file.h"

namespace membench::analyze {

using nlohmann::json;
using report::CaseResult;
using report::Status;

// ---- metrics -----------------------------------------------------------------

const std::vector<MetricInfo>& compared_metrics() {
  static const std::vector<MetricInfo> metrics = [] {
    std::vector<MetricInfo> out;
    for (const report::Metric* m : report::in_judging_order(report::compared_metrics()))
      out.push_back({m->name, m->kind, m->unit, m->higher_is_better()});
    return out;
  }();
  return metrics;
}

const MetricInfo* find_metric(const std::string& name) {
  for (const MetricInfo& m : compared_metrics())
    if (name == m.name) return &m;
  return nullptr;
}

namespace {

Threshold default_threshold(MetricKind kind) {
  switch (kind) {
    case MetricKind::exact: return {0, 0, false};
    case MetricKind::time: return {0.05, 0, false};
    case MetricKind::throughput: return {0.05, 0, false};
    case MetricKind::rss: return {0.05, 256.0 * 1024, false};
  }
  return {};
}

// Group names accepted in a thresholds file besides the metric names.
std::vector<std::string> expand_metric_name(const std::string& name) {
  std::vector<std::string> out;
  auto kind_group = [&](MetricKind kind) {
    for (const MetricInfo& m : compared_metrics())
      if (m.kind == kind) out.emplace_back(m.name);
  };
  if (name == "*") {
    for (const MetricInfo& m : compared_metrics()) out.emplace_back(m.name);
  } else if (name == "allocations") {
    kind_group(MetricKind::exact);
  } else if (name == "time") {
    kind_group(MetricKind::time);
  } else if (name == "throughput") {
    kind_group(MetricKind::throughput);
  } else if (name == "rss" || name == "memory") {
    kind_group(MetricKind::rss);
  } else if (find_metric(name)) {
    out.push_back(name);
  }
  return out;
}

bool is_group_name(const std::string& name) { return !find_metric(name); }

std::string known_metric_names() {
  std::string s = "*, allocations, time, throughput, rss";
  for (const MetricInfo& m : compared_metrics()) s += std::string(", ") + m.name;
  return s;
}

}  // namespace

// ---- thresholds ----------------------------------------------------------------

Thresholds::Thresholds() {
  for (const MetricInfo& m : compared_metrics()) {
    Threshold t = default_threshold(m.kind);
    // Simulated cache misses depend a little on addresses (ASLR): within 1 %
    // on A/A runs of one build, unlike the instruction count.
    const report::Metric* catalogued = report::find_metric(m.name);
    if (catalogued && (catalogued->id == report::MetricId::d1_misses || catalogued->id == report::MetricId::ll_misses))
      t.relative = 0.01;
    defaults.emplace_back(m.name, t);
  }
}

Threshold Thresholds::for_case(const std::string& case_id, const std::string& metric) const {
  Threshold t;
  for (const auto& [name, value] : defaults)
    if (name == metric) t = value;
  for (const ThresholdOverride& o : overrides) {
    if (std::find(o.metrics.begin(), o.metrics.end(), metric) == o.metrics.end()) continue;
    if (!std::regex_search(case_id, o.regex)) continue;
    if (o.relative) t.relative = *o.relative;
    if (o.absolute) t.absolute = *o.absolute;
    if (o.ignore) t.ignore = *o.ignore;
  }
  return t;
}

namespace {

std::string percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g%%", fraction * 100);
  return buf;
}

std::string describe_threshold(const MetricInfo& m, const Threshold& t) {
  if (t.ignore) return "not gated";
  if (m.kind == MetricKind::exact && t.relative == 0 && t.absolute == 0) return "exact";
  std::string s;
  if (t.relative > 0 || t.absolute == 0) s = percent(t.relative);
  if (t.absolute > 0) s += (s.empty() ? "" : " and ") + format_value(m.unit, t.absolute);
  return s;
}

}  // namespace

std::string Thresholds::describe() const {
  // Summarise by kind when all metrics of a kind share one threshold.
  std::string out;
  auto add = [&](const std::string& part) { out += (out.empty() ? "" : "; ") + part; };
  for (MetricKind kind : {MetricKind::exact, MetricKind::time, MetricKind::throughput, MetricKind::rss}) {
    std::vector<std::string> parts;
    std::string first;
    bool uniform = true;
    for (const MetricInfo& m : compared_metrics()) {
      if (m.kind != kind) continue;
      std::string d;
      for (const auto& [name, value] : defaults)
        if (name == m.name) d = describe_threshold(m, value);
      if (first.empty()) first = d;
      else if (d != first) uniform = false;
      parts.push_back(std::string(m.name) + " " + d);
    }
    const char* label = kind == MetricKind::exact ? "allocations"
                        : kind == MetricKind::time ? "time"
                        : kind == MetricKind::throughput ? "throughput"
                                                         : "RSS";
    if (uniform) add(std::string(label) + " " + first);
    else
      for (const std::string& p : parts) add(p);
  }
  char sig[256];
  std::snprintf(sig, sizeof sig,
                "; time/throughput must also exceed the case's noise floor and be significant at p < %g "
                "(paired: Wilcoxon; unpaired: U test on >= %zu processes per side)",
                alpha, min_repetitions);
  out += sig;
  if (!overrides.empty()) out += "; " + std::to_string(overrides.size()) + " per-case override(s)";
  return out;
}

const char* compare_thresholds_format() {
  // The metric names come from the catalogue, so that this text never lists a metric compare lacks.
  static const std::string text = [] {
    const std::string rss = report::metric(report::MetricId::peak_rss_delta).name;
    std::string out =
        "thresholds file (JSON):\n"
        "  {\"defaults\": {\"time\": 0.05,\n"
        "                \"" + rss + "\": {\"relative\": 0.05, \"absolute\": 262144},\n"
        "                \"allocations\": 0},\n"
        "   \"significance\": {\"alpha\": 0.05, \"min_repetitions\": 5},\n"
        "   \"overrides\": [{\"pattern\": \"^hash/\", \"metric\": \"" + rss + "\",\n"
        "                  \"relative\": 0.1, \"absolute\": 1048576},\n"
        "                 {\"pattern\": \"/jemalloc$\", \"metric\": [\"time\", \"throughput\"], \"ignore\": true}]}\n"
        "  A number is a relative threshold (0.05 = 5%); an object may give \"relative\",\n"
        "  \"absolute\" (alias \"absolute_bytes\"; in the metric's unit) and \"ignore\".\n"
        "  A change regresses only when it exceeds both. Metric names: the metrics below or\n"
        "  the groups *, allocations, time, throughput, rss. Later overrides win; \"pattern\"\n"
        "  is a regular expression searched in the case id.\n"
        "  metrics:";
    std::size_t column = 10;
    for (const MetricInfo& m : compared_metrics()) {
      std::string name = std::string(" ") + m.name + ",";
      if (column + name.size() > 80) out += "\n ", column = 1;
      out += name;
      column += name.size();
    }
    out.back() = '\n';
    return out;
  }();
  return text.c_str();
}

namespace {

class ThresholdReader {
 public:
  explicit ThresholdReader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw ThresholdError(source_ + ": " + where + ": " + what);
  }

  double fraction_or_amount(const json& v, const std::string& where) const {
    if (!v.is_number()) fail(where, "is not a number");
    double d = v.get<double>();
    if (!std::isfinite(d) || d < 0) fail(where, "must be a finite number >= 0");
    return d;
  }

  std::vector<std::string> metric_names(const json& v, const std::string& where) const {
    std::vector<std::string> names;
    auto one = [&](const json& n) {
      if (!n.is_string()) fail(where, "metric names must be strings");
      std::string name = n.get<std::string>();
      std::vector<std::string> expanded = expand_metric_name(name);
      if (expanded.empty())
        fail(where, "unknown metric '" + name + "' (known: " + known_metric_names() + ")");
      names.insert(names.end(), expanded.begin(), expanded.end());
    };
    if (v.is_array()) {
      if (v.empty()) fail(where, "is an empty list");
      for (const json& n : v) one(n);
    } else {
      one(v);
    }
    return names;
  }

  // Reads {"relative": r, "absolute": a, "ignore": b} or a bare number (relative).
  void threshold_fields(const json& v, const std::string& where, std::optional<double>& relative,
                        std::optional<double>& absolute, std::optional<bool>& ignore,
                        bool allow_routing_keys) const {
    if (v.is_number()) {
      relative = fraction_or_amount(v, where);
      return;
    }
    if (!v.is_object()) fail(where, "must be a number (relative threshold) or an object");
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string& key = it.key();
      if (key == "relative") relative = fraction_or_amount(it.value(), where + ".relative");
      else if (key == "absolute" || key == "absolute_bytes")
        absolute = fraction_or_amount(it.value(), where + "." + key);
      else if (key == "ignore") {
        if (!it.value().is_boolean()) fail(where + ".ignore", "is not true or false");
        ignore = it.value().get<bool>();
      } else if (key == "comment") {
        continue;
      } else if (allow_routing_keys && (key == "pattern" || key == "metric")) {
        continue;
      } else {
        fail(where, "unknown key '" + key + "' (expected relative, absolute, ignore" +
                        std::string(allow_routing_keys ? ", pattern, metric" : "") + ")");
      }
    }
  }

 private:
  std::string source_;
};

}  // namespace

Thresholds parse_thresholds(const json& j, const std::string& source) {
  ThresholdReader rd(source);
  Thresholds t;
  if (!j.is_object()) rd.fail("top level", "is not a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "defaults" && it.key() != "overrides" && it.key() != "significance" &&
        it.key() != "comment")
      rd.fail("top level", "unknown key '" + it.key() + "' (expected defaults, overrides, significance)");

  if (j.contains("defaults")) {
    const json& d = j["defaults"];
    if (!d.is_object()) rd.fail("defaults", "is not an object");
    // Groups first, then single metrics, so the more specific entry wins
    // whatever the key order.
    for (bool groups : {true, false}) {
      for (auto it = d.begin(); it != d.end(); ++it) {
        if (it.key() == "comment") continue;
        std::string where = "defaults." + it.key();
        std::vector<std::string> names = rd.metric_names(json(it.key()), "defaults");
        if (is_group_name(it.key()) != groups) continue;
        std::optional<double> relative, absolute;
        std::optional<bool> ignore;
        rd.threshold_fields(it.value(), where, relative, absolute, ignore, false);
        for (auto& [name, value] : t.defaults) {
          if (std::find(names.begin(), names.end(), name) == names.end()) continue;
          if (relative) value.relative = *relative;
          if (absolute) value.absolute = *absolute;
          if (ignore) value.ignore = *ignore;
        }
      }
    }
  }

  if (j.contains("significance")) {
    const json& s = j["significance"];
    if (!s.is_object()) rd.fail("significance", "is not an object");
    for (auto it = s.begin(); it != s.end(); ++it) {
      if (it.key() == "alpha") {
        double a = rd.fraction_or_amount(it.value(), "significance.alpha");
        if (a <= 0 || a >= 1) rd.fail("significance.alpha", "must be between 0 and 1");
        t.alpha = a;
      } else if (it.key() == "min_repetitions") {
        if (!it.value().is_number_unsigned() || it.value().get<std::uint64_t>() < 2)
          rd.fail("significance.min_repetitions", "must be an integer >= 2");
        t.min_repetitions = it.value().get<std::size_t>();
      } else if (it.key() != "comment") {
        rd.fail("significance", "unknown key '" + it.key() + "' (expected alpha, min_repetitions)");
      }
    }
  }

  if (j.contains("overrides")) {
    const json& list = j["overrides"];
    if (!list.is_array()) rd.fail("overrides", "is not an array");
    for (std::size_t i = 0; i < list.size(); ++i) {
      const json& o = list[i];
      std::string where = "overrides[" + std::to_string(i) + "]";
      if (!o.is_object()) rd.fail(where, "is not an object");
      ThresholdOverride ov;
      if (!o.contains("pattern") || !o["pattern"].is_string()) rd.fail(where, "needs a \"pattern\" string");
      ov.pattern = o["pattern"].get<std::string>();
      try {
        ov.regex = std::regex(ov.pattern, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        rd.fail(where + ".pattern", "invalid regular expression '" + ov.pattern + "': " + e.what());
      }
      if (!o.contains("metric")) rd.fail(where, "needs \"metric\" (a name, a group or a list)");
      ov.metrics = rd.metric_names(o["metric"], where + ".metric");
      rd.threshold_fields(o, where, ov.relative, ov.absolute, ov.ignore, true);
      if (!ov.relative && !ov.absolute && !ov.ignore)
        rd.fail(where, "sets nothing (give relative, absolute or ignore)");
      t.overrides.push_back(std::move(ov));
    }
  }
  return t;
}

Thresholds read_thresholds_file(const std::string& path) {
  // The same refusals as for reports: a FIFO or a device would be read
  // forever, a huge file would exhaust memory.
  std::string text;
  try {
    text = read_regular_file(path, "thresholds file");
  } catch (const InputFileError& e) {
    throw ThresholdError(e.what());
  }
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) throw ThresholdError(path + ": not valid JSON (thresholds file)");
  return parse_thresholds(j, path);
}

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

std::string p_text(double p) {
  char buf[32];
  if (p < 0.001) std::snprintf(buf, sizeof buf, "%.1e", p);
  else std::snprintf(buf, sizeof buf, "%.3f", p);
  return buf;
}

constexpr std::size_t kMinPairs = 6;

// The half-width of the interval of the median ratio between runs of one
// build: what a change must exceed to be told from this case's noise.
double aa_floor(const std::vector<std::pair<double, double>>& runs) {
  std::vector<double> x, y;
  for (const auto& [a, b] : runs)
    if (a > 0 && b > 0) {
      x.push_back(a);
      y.push_back(b);
    }
  if (x.size() < 3) return 0;
  stats::RatioInterval ri = stats::paired_ratio_interval(x, y);
  return std::max(ri.high - 1, 1 - ri.low);
}

std::string percent_text(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", fraction * 100);
  return buf;
}

// The verdict for a change beyond the threshold, once the interval or test
// says whether it is real: a change inside the noise floor is never claimed.
void settle(MetricChange& m, Verdict beyond, double change, double floor, bool significant,
            const std::string& evidence) {
  m.noise_floor = floor;
  if (std::fabs(change) <= floor) {
    m.verdict = Verdict::within;
    m.note = "within this case's noise floor (" + percent_text(floor) + ")";
  } else if (significant) {
    m.verdict = beyond;
    m.note = evidence;
  } else {
    m.verdict = Verdict::not_significant;
    m.note = evidence;
  }
}

// Time and throughput after the threshold test. The unit of evidence is a
// process (a pair of processes with `ab`), never a repetition: repetitions of
// one process share its memory layout and its minute on the machine.
MetricChange judge_timed(MetricChange m, const MetricInfo& info, const CaseResult& b,
                         const CaseResult& h, const Thresholds& all,
                         const std::vector<std::pair<double, double>>* pairs,
                         const std::vector<std::pair<double, double>>* same_build) {
  const bool throughput = info.kind == MetricKind::throughput;
  if (pairs) {
    std::vector<double> bt, ht, log_diff;
    for (const auto& [bv, hv] : *pairs) {
      if (!(bv > 0) || !(hv > 0)) continue;
      bt.push_back(bv);
      ht.push_back(hv);
      log_diff.push_back(std::log(hv) - std::log(bv));
    }
    if (bt.size() < 2) {
      m.verdict = Verdict::not_significant;
      m.note = std::to_string(bt.size()) + " timed pair(s): too few to judge";
      return m;
    }
    stats::RatioInterval ri = stats::paired_ratio_interval(bt, ht);
    // Throughput is bytes over the same time: its ratio is the inverse.
    double ratio = throughput ? 1 / ri.median_ratio : ri.median_ratio;
    double low = throughput ? 1 / ri.high : ri.low, high = throughput ? 1 / ri.low : ri.high;
    stats::WilcoxonResult w = stats::wilcoxon_signed_rank(log_diff);
    m.relative = ratio - 1;
    m.interval_low = low - 1;
    m.interval_high = high - 1;
    m.p_value = w.p_value;
    const double floor = std::max(m.threshold.relative, same_build ? aa_floor(*same_build) : stats::noise_floor(bt).value_or(0));
    const bool excludes_none = ratio > 1 ? low > 1 : high < 1;
    // Under 6 pairs the exact signed-rank test cannot reach p < 0.05 (its
    // smallest p is 2/2^n); the tie-corrected approximation could, wrongly.
    const bool enough = bt.size() >= kMinPairs;
    const bool significant = enough && excludes_none && w.p_value < all.alpha;
    std::string evidence = std::to_string(bt.size()) + " pairs, Wilcoxon p = " + p_text(w.p_value);
    if (!enough) evidence += " (under 6 pairs no change is significant)";
    const bool worse = info.higher_is_better ? ratio < 1 : ratio > 1;
    settle(m, worse ? Verdict::regressed : Verdict::improved, m.relative, floor, significant, evidence);
    return m;
  }
  const std::vector<double> pb = b.time ? process_medians(*b.time) : std::vector<double>{};
  const std::vector<double> ph = h.time ? process_medians(*h.time) : std::vector<double>{};
  if (pb.size() < 2 || ph.size() < 2) {
    m.verdict = Verdict::not_significant;
    m.note = "one timed process on a side: its repetitions cannot tell a change from noise (use membench ab)";
    return m;
  }
  // Two runs at different times: only the spread between processes is
  // known; the drift between the two runs is not, so say so.
  double floor = m.threshold.relative;
  for (const std::vector<double>* side : {&pb, &ph})
    if (side->size() >= 3) floor = std::max(floor, stats::noise_floor(*side).value_or(0));
  if (pb.size() < all.min_repetitions || ph.size() < all.min_repetitions) {
    m.noise_floor = floor;
    m.threshold_only = true;
    m.verdict = std::fabs(m.relative) <= floor ? Verdict::within : Verdict::not_significant;
    m.note = "processes " + std::to_string(pb.size()) + " vs " + std::to_string(ph.size()) + " (< " +
             std::to_string(all.min_repetitions) + "): too few for a test";
    return m;
  }
  stats::MannWhitneyResult u = stats::mann_whitney_u(pb, ph);
  m.p_value = u.p_value;
  const bool worse = info.higher_is_better ? m.relative < 0 : m.relative > 0;
  settle(m, worse ? Verdict::regressed : Verdict::improved, m.relative, floor, u.p_value < all.alpha,
         "unpaired, " + std::to_string(pb.size()) + " vs " + std::to_string(ph.size()) +
             " processes, U test p = " + p_text(u.p_value));
  return m;
}

MetricChange judge(const MetricInfo& info, double base, double head, const Threshold& threshold,
                   const CaseResult& b, const CaseResult& h, const Thresholds& all,
                   const std::vector<std::pair<double, double>>* pairs,
                   const std::vector<std::pair<double, double>>* same_build) {
  MetricChange m;
  m.metric = &info;
  m.base = base;
  m.head = head;
  m.delta = head - base;
  m.relative = relative_change(base, head);
  m.threshold = threshold;
  const bool timed = info.kind == MetricKind::time || info.kind == MetricKind::throughput;
  // Paired times are judged on the pairs, whatever the two medians say.
  if (m.delta == 0 && !(timed && pairs)) {
    m.verdict = Verdict::unchanged;
    return m;
  }
  if (threshold.ignore) {
    m.verdict = Verdict::within;
    m.note = "not gated for this case";
    return m;
  }
  if (timed) return judge_timed(m, info, b, h, all, pairs, same_build);
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
    if (both_ok) {
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
          cc.metrics.push_back(m);
          continue;
        }
        const std::vector<std::pair<double, double>>*pairs = nullptr, *same_build = nullptr;
        if (paired) {
          if (auto it = paired->by_case.find(h.id); it != paired->by_case.end()) pairs = &it->second;
          auto aa = paired->same_build.find(h.id);
          if (aa != paired->same_build.end() && aa->second.size() >= 3) same_build = &aa->second;
        }
        cc.metrics.push_back(
            judge(info, *bv, *hv, thresholds.for_case(h.id, info.name), b, h, thresholds, pairs, same_build));
      }
    }
    out.cases.push_back(std::move(cc));
  }
  std::stable_sort(out.cases.begin(), out.cases.end(),
                   [](const CaseComparison& x, const CaseComparison& y) { return sort_rank(x) < sort_rank(y); });
  return out;
}

std::string time_basis(const Comparison& c) {
  if (c.paired)
    return "paired: each case's timed processes ran base and head in turn, judged on the pairs "
           "(Wilcoxon signed-rank, bootstrap interval of the median ratio)";
  return "unpaired: two runs taken at different times, judged on their process-to-process spread "
         "(drift between the runs is not cancelled; membench ab pairs them)";
}

json comparison_to_json(const Comparison& c) {
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

// ---- formatting ----------------------------------------------------------------------

std::string format_duration_ns(double ns) {
  double v = std::fabs(ns);
  char buf[48];
  const char* sign = ns < 0 ? "-" : "";
  if (v < 1e3) std::snprintf(buf, sizeof buf, "%s%.0f ns", sign, v);
  else if (v < 1e6) std::snprintf(buf, sizeof buf, "%s%.2f us", sign, v / 1e3);
  else if (v < 1e9) std::snprintf(buf, sizeof buf, "%s%.2f ms", sign, v / 1e6);
  else std::snprintf(buf, sizeof buf, "%s%.3f s", sign, v / 1e9);
  return buf;
}

std::string format_relative(double relative) {
  if (std::isinf(relative)) return relative > 0 ? "new" : "-100%";
  char buf[32];
  if (relative == 0) return "0%";
  if (std::fabs(relative) < 0.001) std::snprintf(buf, sizeof buf, "%+.3f%%", relative * 100);
  else std::snprintf(buf, sizeof buf, "%+.1f%%", relative * 100);
  return buf;
}

std::string format_value(MetricUnit unit, double value) {
  char buf[48];
  switch (unit) {
    case MetricUnit::count: return format_count(value);
    case MetricUnit::bytes: return format_bytes(value);
    case MetricUnit::nanoseconds: return format_duration_ns(value);
    case MetricUnit::bytes_per_second: return format_rate(value);
    case MetricUnit::items_per_second:
      if (std::fabs(value) >= 1e9) std::snprintf(buf, sizeof buf, "%.2f G items/s", value / 1e9);
      else if (std::fabs(value) >= 1e6) std::snprintf(buf, sizeof buf, "%.2f M items/s", value / 1e6);
      else if (std::fabs(value) >= 1e3) std::snprintf(buf, sizeof buf, "%.2f k items/s", value / 1e3);
      else std::snprintf(buf, sizeof buf, "%.1f items/s", value);
      return buf;
    case MetricUnit::ratio: std::snprintf(buf, sizeof buf, "%.1f%%", value * 100); return buf;
  }
  return "?";
}

std::string format_delta(MetricUnit unit, double delta) {
  std::string s = format_value(unit, delta);
  return delta > 0 ? "+" + s : s;
}

std::string context_text(const json& context, std::initializer_list<const char*> keys) {
  if (!context.is_object()) return "";
  for (const char* key : keys) {
    auto it = context.find(key);
    if (it == context.end() || it->is_null()) continue;
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number() || it->is_boolean()) return it->dump();
    if (it->is_array()) {
      std::string s;
      for (const json& part : *it) s += (s.empty() ? "" : " ") + (part.is_string() ? part.get<std::string>() : part.dump());
      return s;
    }
    return it->dump();
  }
  return "";
}

namespace {

struct Row {
  std::string verdict, id, metric, base, head, change, note;
  enum Tone { plain, bad, good, warn, dim } tone = plain;
};

std::string short_digest(const std::string& d) { return d.size() > 12 ? d.substr(0, 12) : d; }

std::string change_text(const MetricChange& m) {
  // A paired change is the median per-pair ratio with its interval:
  // "+7.9% [+5.1%, +10.6%]".
  if (m.interval_low && m.interval_high)
    return format_relative(m.relative) + " [" + format_relative(*m.interval_low) + ", " +
           format_relative(*m.interval_high) + "]";
  return format_delta(m.metric->unit, m.delta) + " (" + format_relative(m.relative) + ")";
}

Row::Tone tone_of(Verdict v) {
  switch (v) {
    case Verdict::regressed: return Row::bad;
    case Verdict::improved: return Row::good;
    case Verdict::not_significant:
    case Verdict::unavailable: return Row::warn;
    default: return Row::plain;
  }
}

std::vector<Row> rows_of(const Comparison& c) {
  std::vector<Row> rows;
  for (const CaseComparison& cc : c.cases) {
    std::size_t before = rows.size();
    if (cc.base_status != cc.head_status) {
      Row r;
      r.id = cc.id;
      r.metric = "status";
      r.base = report::to_string(cc.base_status);
      r.head = report::to_string(cc.head_status);
      if (cc.status_regressed()) {
        r.verdict = to_string(Verdict::regressed);
        r.tone = Row::bad;
        r.note = cc.head_error;
      } else if (cc.status_fixed()) {
        r.verdict = "fixed";
        r.tone = Row::good;
      } else {
        r.verdict = "still failing";
        r.tone = Row::warn;
        r.note = cc.head_error;
      }
      rows.push_back(r);
    } else if (cc.head_status != Status::ok) {
      Row r{"still " + std::string(report::to_string(cc.head_status)), cc.id, "status",
            report::to_string(cc.base_status), report::to_string(cc.head_status), "", cc.head_error,
            cc.head_status == Status::skipped ? Row::dim : Row::warn};
      rows.push_back(r);
    }
    for (const MetricChange& m : cc.metrics) {
      bool show = m.verdict == Verdict::regressed || m.verdict == Verdict::improved ||
                  m.verdict == Verdict::not_significant || m.verdict == Verdict::unavailable ||
                  (m.verdict == Verdict::within && m.metric->kind == MetricKind::exact);
      if (!show) continue;
      Row r;
      r.verdict = to_string(m.verdict);
      r.id = cc.id;
      r.metric = m.metric->name;
      r.base = format_value(m.metric->unit, m.base);
      r.head = format_value(m.metric->unit, m.head);
      r.change = m.verdict == Verdict::unavailable ? "" : change_text(m);
      r.note = m.note;
      if (m.p_value && m.note.empty()) r.note = "p = " + p_text(*m.p_value);
      if (m.noise_floor && m.note.find("noise floor") == std::string::npos)
        r.note += (r.note.empty() ? "" : "; ") + std::string("noise floor ") + percent_text(*m.noise_floor);
      r.tone = tone_of(m.verdict);
      rows.push_back(r);
    }
    if (cc.digest_changed) {
      rows.push_back({"digest changed", cc.id, "output_digest", short_digest(cc.base_digest),
                      short_digest(cc.head_digest), "", "the strategy's output differs", Row::warn});
    }
    if (rows.size() == before) {
      // One line per unchanged case, showing its time as the figure that moves most.
      Row r{"same", cc.id, "-", "", "", "", "", Row::dim};
      if (cc.metrics.empty()) r.note = "no figures compared";
      else r.note = "all " + std::to_string(cc.metrics.size()) + " metrics within thresholds";
      for (const MetricChange& m : cc.metrics)
        if (m.metric->kind == MetricKind::time) {
          r.metric = m.metric->name;
          r.base = format_value(m.metric->unit, m.base);
          r.head = format_value(m.metric->unit, m.head);
          r.change = m.interval_low ? change_text(m) : format_relative(m.relative);
          if (m.noise_floor) r.note += "; noise floor " + percent_text(*m.noise_floor);
        }
      rows.push_back(r);
    }
  }
  return rows;
}

std::string label_with_commit(const std::string& label, const json& context) {
  std::string commit = context_text(context, {"git_commit", "commit"});
  std::string created = context_text(context, {"created", "created_utc", "date", "timestamp"});
  std::string extra;
  if (!commit.empty()) extra += "commit " + commit.substr(0, 12);
  if (!created.empty()) extra += (extra.empty() ? "" : ", ") + created;
  return extra.empty() ? label : label + " (" + extra + ")";
}

std::string summary_line(const Comparison& c) {
  int n = c.regression_count();
  std::string s;
  if (n == 0)
    s = "no regression in " + std::to_string(c.cases.size()) + " compared case" + (c.cases.size() == 1 ? "" : "s");
  else
    s = std::to_string(n) + " regression" + (n == 1 ? "" : "s") + " in " +
        std::to_string(c.regressed_case_count()) + " of " + std::to_string(c.cases.size()) + " case" +
        (c.cases.size() == 1 ? "" : "s");
  int improved = 0;
  for (const CaseComparison& cc : c.cases) {
    if (cc.status_fixed()) ++improved;
    for (const MetricChange& m : cc.metrics)
      if (m.verdict == Verdict::improved) ++improved;
  }
  if (improved) s += ", " + std::to_string(improved) + " improvement" + (improved == 1 ? "" : "s");
  return s;
}

}  // namespace

std::string format_terminal(const Comparison& c, bool colour) {
  std::ostringstream out;
  auto paint = [&](const std::string& text, Row::Tone tone) -> std::string {
    if (!colour) return text;
    switch (tone) {
      case Row::bad: return "\033[1;31m" + text + "\033[0m";
      case Row::good: return "\033[32m" + text + "\033[0m";
      case Row::warn: return "\033[33m" + text + "\033[0m";
      case Row::dim: return "\033[2m" + text + "\033[0m";
      default: return text;
    }
  };
  out << "base: " << label_with_commit(c.base_label, c.base_context) << "\n";
  out << "head: " << label_with_commit(c.head_label, c.head_context) << "\n";
  out << "thresholds: " << c.thresholds.describe() << "\n";
  out << "time: " << time_basis(c) << "\n\n";

  std::vector<Row> rows = rows_of(c);
  const char* headers[] = {"VERDICT", "CASE", "METRIC", "BASE", "HEAD", "CHANGE", "NOTE"};
  std::size_t w[6] = {};
  for (int i = 0; i < 6; ++i) w[i] = std::string(headers[i]).size();
  for (const Row& r : rows) {
    w[0] = std::max(w[0], r.verdict.size());
    w[1] = std::max(w[1], r.id.size());
    w[2] = std::max(w[2], r.metric.size());
    w[3] = std::max(w[3], r.base.size());
    w[4] = std::max(w[4], r.head.size());
    w[5] = std::max(w[5], r.change.size());
  }
  auto pad = [](const std::string& s, std::size_t width, bool right) {
    std::string fill(width > s.size() ? width - s.size() : 0, ' ');
    return right ? fill + s : s + fill;
  };
  out << pad(headers[0], w[0], false) << "  " << pad(headers[1], w[1], false) << "  "
      << pad(headers[2], w[2], false) << "  " << pad(headers[3], w[3], true) << "  "
      << pad(headers[4], w[4], true) << "  " << pad(headers[5], w[5], true) << "  " << headers[6] << "\n";
  for (const Row& r : rows) {
    std::string line = pad(r.id, w[1], false) + "  " + pad(r.metric, w[2], false) + "  " +
                       pad(r.base, w[3], true) + "  " + pad(r.head, w[4], true) + "  " +
                       pad(r.change, w[5], true) + "  " + r.note;
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << paint(pad(r.verdict, w[0], false), r.tone) << "  " << line << "\n";
  }
  if (!c.only_in_base.empty()) {
    out << "\nonly in base (" << c.only_in_base.size() << ", not judged):";
    for (const std::string& id : c.only_in_base) out << "\n  " << id;
    out << "\n";
  }
  if (!c.only_in_head.empty()) {
    out << "\nonly in head (" << c.only_in_head.size() << ", not judged):";
    for (const std::string& id : c.only_in_head) out << "\n  " << id;
    out << "\n";
  }
  std::string summary = summary_line(c);
  out << "\n"
      << paint("result: " + summary, c.has_regression() ? Row::bad : Row::good) << "\n";
  return out.str();
}

namespace {

std::string md_cell(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '|') out += "\\|";
    else if (ch == '\n' || ch == '\r') out += ' ';
    else if (ch == '<') out += "&lt;";
    else if (ch == '>') out += "&gt;";
    else out += ch;
  }
  return out;
}

std::string md_code(const std::string& s) {
  // Backticks inside a code span would end it.
  std::string clean;
  for (char ch : s) clean += ch == '`' ? '\'' : ch;
  return "`" + md_cell(clean) + "`";
}

}  // namespace

std::string format_markdown(const Comparison& c) {
  std::ostringstream out;
  const int n = c.regression_count();
  out << "### membench: " << (n ? "regression detected" : "no regression") << "\n\n";
  out << "**" << summary_line(c) << "**\n\n";
  out << "base " << md_code(label_with_commit(c.base_label, c.base_context)) << " → head "
      << md_code(label_with_commit(c.head_label, c.head_context)) << "\n\n";

  std::vector<Row> rows = rows_of(c);
  auto table = [&](const std::vector<const Row*>& selected) {
    out << "| verdict | case | metric | base | head | change | note |\n";
    out << "|---|---|---|--:|--:|--:|---|\n";
    // A pull-request comment has a size limit; the HTML page has every row.
    const std::size_t limit = 150;
    for (std::size_t i = 0; i < selected.size() && i < limit; ++i) {
      const Row* r = selected[i];
      std::string verdict = r->tone == Row::bad ? "**" + md_cell(r->verdict) + "**" : md_cell(r->verdict);
      out << "| " << verdict << " | " << md_code(r->id) << " | " << md_cell(r->metric) << " | "
          << md_cell(r->base) << " | " << md_cell(r->head) << " | " << md_cell(r->change) << " | "
          << md_cell(r->note) << " |\n";
    }
    if (selected.size() > limit)
      out << "\n… and " << selected.size() - limit << " more rows (see the terminal output or the HTML page).\n";
    out << "\n";
  };
  std::vector<const Row*> bad, other;
  std::size_t same = 0;
  for (const Row& r : rows) {
    if (r.tone == Row::bad) bad.push_back(&r);
    else if (r.verdict == "same") ++same;
    else other.push_back(&r);
  }
  if (!bad.empty()) {
    out << "#### Regressions\n\n";
    table(bad);
  }
  if (!other.empty()) {
    out << "<details><summary>Other changes (" << other.size() << ")</summary>\n\n";
    table(other);
    out << "</details>\n\n";
  }
  if (same) out << same << " case" << (same == 1 ? "" : "s") << " unchanged within thresholds.\n\n";
  auto id_list = [&](const char* title, const std::vector<std::string>& ids) {
    if (ids.empty()) return;
    out << "<details><summary>" << title << " (" << ids.size() << ", not judged)</summary>\n\n";
    for (const std::string& id : ids) out << "- " << md_code(id) << "\n";
    out << "\n</details>\n\n";
  };
  id_list("Only in base", c.only_in_base);
  id_list("Only in head", c.only_in_head);
  out << "<sub>Thresholds: " << md_cell(c.thresholds.describe()) << ". Time: " << md_cell(time_basis(c))
      << "</sub>\n";
  return out.str();
}

}  // namespace membench::analyze
