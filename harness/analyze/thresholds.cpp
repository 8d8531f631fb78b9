// Compare's metric list (views of the catalogue) and its thresholds: the
// defaults per kind, the thresholds file and its overrides.
#include "analyze/compare.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "util/read_file.h"

namespace membench::analyze {

using nlohmann::json;
using report::CaseResult;

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

bool is_derived_metric(const MetricInfo& m) {
  const report::Metric* catalogued = report::find_metric(m.name);
  return catalogued && report::is_derived(*catalogued);
}

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
    // Instruction counts are identical on every run of a single-threaded
    // strategy, but one that waits for a helper thread (hash/overlap) counts
    // its waiting: up to 0.01% apart on A/A runs (docs/workloads.md,
    // "Instructions and cache misses"). 0.1% keeps those quiet and catches any change of 1%.
    // Estimated cycles are judged as instructions are (docs/time-gate.md).
    if (catalogued && (catalogued->id == report::MetricId::instructions ||
                       catalogued->id == report::MetricId::estimated_cycles))
      t.relative = 0.001;
    // Per item and per input byte: the figure each derives from is gated already.
    if (catalogued && report::is_derived(*catalogued)) t.ignore = true;
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

std::string describe_threshold(const MetricInfo& m, const Threshold& t) {
  if (t.ignore) return "not gated";
  if (m.kind == MetricKind::exact && t.relative == 0 && t.absolute == 0) return "exact";
  std::string s;
  if (t.relative > 0 || t.absolute == 0) s = format_significant(t.relative * 100) + "%";
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
      if (m.kind != kind || is_derived_metric(m)) continue;
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
  bool derived_gated = false;
  for (const MetricInfo& m : compared_metrics()) {
    if (!is_derived_metric(m)) continue;
    for (const auto& [name, value] : defaults)
      if (name == m.name && !value.ignore) {
        add(std::string(m.name) + " " + describe_threshold(m, value));
        derived_gated = true;
      }
  }
  if (!derived_gated) add("per item and per input byte: shown, not gated");
  char sig[256];
  std::snprintf(sig, sizeof sig,
                "; time/throughput must also exceed the case's noise floor and be significant at p < %g "
                "(paired: Wilcoxon; unpaired: U test on >= %zu processes per side whose real/CPU time "
                "differs by <= %g%%)",
                alpha, min_repetitions, unpaired_load_tolerance * 100);
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
        "   \"significance\": {\"alpha\": 0.05, \"min_repetitions\": 5, \"unpaired_load_tolerance\": 0.02},\n"
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

Thresholds parse_thresholds(const json& j, const std::string& source, Thresholds start) {
  ThresholdReader rd(source);
  Thresholds t = std::move(start);
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
      } else if (it.key() == "unpaired_load_tolerance") {
        t.unpaired_load_tolerance = rd.fraction_or_amount(it.value(), "significance.unpaired_load_tolerance");
      } else if (it.key() != "comment") {
        rd.fail("significance",
                "unknown key '" + it.key() + "' (expected alpha, min_repetitions, unpaired_load_tolerance)");
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

Thresholds read_thresholds_file(const std::string& path, Thresholds start) {
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
  return parse_thresholds(j, path, std::move(start));
}


}  // namespace membench::analyze
