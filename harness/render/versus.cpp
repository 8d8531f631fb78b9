#include "render/versus.h"

#include <cmath>
#include <cstdio>

#include "analyze/compare.h"

namespace membench::render {
namespace {

std::string times(double r) {
  char buf[32];
  std::snprintf(buf, sizeof buf, r >= 100 ? "%.0f×" : r >= 10 ? "%.1f×" : "%.2f×", r);
  return buf;
}

// The words for "smaller" and "larger" figures of a metric.
std::pair<const char*, const char*> words(const report::Metric& m) {
  switch (m.unit) {
    case report::MetricUnit::count: return {"fewer", "more"};
    case report::MetricUnit::bytes: return {"less", "more"};
    case report::MetricUnit::nanoseconds: return {"faster", "slower"};
    case report::MetricUnit::bytes_per_second:
    case report::MetricUnit::items_per_second: return {"slower", "faster"};
    case report::MetricUnit::ratio: return {"lower", "higher"};
  }
  return {"lower", "higher"};
}

}  // namespace

WorkloadInfo workload_info(const report::Report& rep, const std::string& workload) {
  WorkloadInfo info;
  const auto& all = rep.context.value("workloads", nlohmann::json::object());
  if (!all.is_object() || !all.contains(workload) || !all[workload].is_object()) return info;
  const auto& w = all[workload];
  if (w.value("reference_strategy", nlohmann::json()).is_string()) info.reference = w["reference_strategy"];
  if (w.value("description", nlohmann::json()).is_string()) info.description = w["description"];
  return info;
}

std::string ratio_text(const report::Metric& m, double mine, double reference) {
  if (mine == reference) return "same";
  if (mine < 0 || reference < 0) return difference_text(m, mine, reference);  // no ratio across zero
  if (mine == 0) return "none";
  // Appending, not "literal" + string: GCC 12 warns falsely (-Wrestrict) on that.
  if (reference == 0) return std::string("+").append(analyze::format_value(m.unit, mine)).append(" (reference: none)");
  const auto [smaller, larger] = words(m);
  double r = mine / reference;
  return r < 1 ? times(1 / r) + " " + smaller : times(r) + " " + larger;
}

std::string difference_text(const report::Metric& m, double mine, double reference) {
  if (mine == reference) return "same";
  return mine > reference ? std::string("+").append(analyze::format_value(m.unit, mine - reference))
                          : std::string("−").append(analyze::format_value(m.unit, reference - mine));
}

std::string versus_text(const report::Metric& m, double mine, double reference) {
  return m.unit == report::MetricUnit::count ? ratio_text(m, mine, reference) : difference_text(m, mine, reference);
}

}  // namespace membench::render
