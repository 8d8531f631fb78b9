#include "render/versus.h"

#include <cmath>
#include <cstdio>

#include "util/format.h"

namespace membench::render {
namespace {

std::string times(double r) {
  char buf[32];
  std::snprintf(buf, sizeof buf, r >= 100 ? "%.0f×" : r >= 10 ? "%.1f×" : "%.2f×", r);
  return buf;
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
  if (reference == 0) return std::string("+").append(format_value(m.unit, mine)).append(" (reference: none)");
  const auto [smaller, larger] = unit_words(m.unit);
  double r = mine / reference;
  return r < 1 ? times(1 / r) + " " + smaller : times(r) + " " + larger;
}

std::string difference_text(const report::Metric& m, double mine, double reference) {
  if (mine == reference) return "same";
  return mine > reference ? std::string("+").append(format_value(m.unit, mine - reference))
                          : std::string("−").append(format_value(m.unit, reference - mine));
}

std::string versus_text(const report::Metric& m, double mine, double reference) {
  return m.unit == report::MetricUnit::count ? ratio_text(m, mine, reference) : difference_text(m, mine, reference);
}

}  // namespace membench::render
