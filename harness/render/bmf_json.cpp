#include "render/bmf_json.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "analyze/time_samples.h"
#include "report/metrics.h"

namespace membench::render {
namespace {

using report::CaseResult;
using report::MetricId;

// The spread of the process medians: the noise membench judges time against
// (README, "The time verdict"), hence the interval a tracker should see.
std::optional<std::pair<double, double>> time_range(const CaseResult& c) {
  if (!c.time) return std::nullopt;
  std::vector<double> medians = analyze::process_medians(*c.time);
  if (medians.size() < 2) return std::nullopt;
  auto [low, high] = std::minmax_element(medians.begin(), medians.end());
  if (!(*low > 0)) return std::nullopt;
  return std::pair{*low, *high};
}

// An interval for `m` from the time range: time itself, or a rate over it
// (the fastest process gives the highest rate).
std::optional<std::pair<double, double>> interval_of(const report::Metric& m, const CaseResult& c) {
  const auto range = time_range(c);
  if (!range) return std::nullopt;
  const auto [fast, slow] = *range;
  if (m.id == MetricId::median_time) return std::pair{fast, slow};
  double units = 0;
  if (m.id == MetricId::bytes_per_second) units = static_cast<double>(c.input_bytes);
  else if (m.id == MetricId::items_per_second && c.throughput && c.throughput->items_per_second) units = static_cast<double>(c.input_items);
  else return std::nullopt;
  if (units <= 0) return std::nullopt;
  return std::pair{units / (slow * 1e-9), units / (fast * 1e-9)};
}

}  // namespace

std::string bmf_json(const report::Report& rep) {
  nlohmann::json out = nlohmann::json::object();
  for (const CaseResult& c : rep.results) {
    if (c.status != report::Status::ok) continue;
    nlohmann::json measures = nlohmann::json::object();
    for (const report::Metric& m : report::metrics()) {
      const std::optional<double> v = m.value(c);
      if (!v || !std::isfinite(*v)) continue;
      nlohmann::json entry = {{"value", *v}};
      if (auto interval = interval_of(m, c)) {
        // The median lies within the process medians' range; kept so for rates too.
        entry["lower_value"] = std::min(interval->first, *v);
        entry["upper_value"] = std::max(interval->second, *v);
      }
      measures[m.name] = std::move(entry);
    }
    if (!measures.empty()) out[c.id] = std::move(measures);
  }
  return out.dump(2) + "\n";
}

}  // namespace membench::render
