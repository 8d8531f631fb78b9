#include "analyze/scaling.h"

#include <cstdio>

#include "core/strategy.h"

#include <algorithm>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <tuple>

#include "analyze/statistics.h"
#include "report/metrics.h"

namespace membench::analyze {

std::string dataset_family(const std::string& dataset) {
  static const std::regex sized("^(.*)-[0-9]+(B|KiB|MiB|GiB)$");
  std::smatch m;
  if (std::regex_match(dataset, m, sized)) return m[1].str();
  return dataset;
}

std::string classify(double slope, double r2) {
  if (std::abs(slope) < kConstantSlope) return "O(1)";
  if (r2 >= kLinearR2) return "O(n)";
  return "O(?)";
}

std::vector<report::ScalingFit> fit_scaling(const std::vector<report::CaseResult>& results) {
  using Key = std::tuple<std::string, std::string, std::string, std::string>;
  std::map<Key, std::vector<const report::CaseResult*>> groups;
  for (const report::CaseResult& c : results)
    if (c.status == report::Status::ok)
      groups[{c.workload, c.strategy, c.allocator, dataset_family(c.dataset)}].push_back(&c);

  std::vector<report::ScalingFit> fits;
  for (auto& [key, cases] : groups) {
    std::set<std::uint64_t> sizes;
    for (const auto* c : cases) sizes.insert(c->input_bytes);
    if (sizes.size() < 3) continue;
    std::sort(cases.begin(), cases.end(),
              [](const auto* a, const auto* b) { return a->input_bytes < b->input_bytes; });
    // The catalogue's fitted metrics, in its order.
    for (const report::Metric* m : report::metrics_shown(report::kFitted)) {
      report::ScalingFit f;
      std::tie(f.workload, f.strategy, f.allocator, std::ignore) = key;
      f.metric = m->name;
      std::vector<double> xs, ys;
      for (const auto* c : cases) {
        std::optional<double> v = m->value(*c);
        if (!v) continue;
        xs.push_back(static_cast<double>(c->input_bytes));
        ys.push_back(*v);
        f.points.emplace_back(xs.back(), *v);
      }
      if (std::set<double>(xs.begin(), xs.end()).size() < 3) continue;
      stats::LinearFit lf = stats::least_squares(xs, ys);
      f.slope = lf.slope;
      f.intercept = lf.intercept;
      f.r2 = lf.r2;
      f.complexity = classify(lf.slope, lf.r2);
      fits.push_back(std::move(f));
    }
  }
  return fits;
}

std::size_t check_memory_classes(report::Report& report) {
  std::size_t failed = 0;
  for (report::ScalingFit& f : report.scaling) {
    if (f.metric != report::metric(report::MetricId::peak_rss_delta).name) continue;
    const Strategy* s = find_strategy(f.workload, f.strategy);
    if (!s || s->memory_class == MemoryClass::undeclared) continue;
    f.declared = to_string(s->memory_class);
    // An unclear fit ("O(?)") contradicts nothing.
    if (f.complexity == "O(?)" || f.complexity == f.declared) continue;
    char why[200];
    std::snprintf(why, sizeof why, "memory class: declared %s, but peak RSS grows as %s (slope %.3g bytes per input byte, r2 %.2f)",
                  f.declared.c_str(), f.complexity.c_str(), f.slope, f.r2);
    for (report::CaseResult& c : report.results) {
      if (c.status != report::Status::ok || c.workload != f.workload || c.strategy != f.strategy ||
          c.allocator != f.allocator)
        continue;
      bool in_fit = false;
      for (const auto& [x, y] : f.points) in_fit = in_fit || x == static_cast<double>(c.input_bytes);
      if (!in_fit) continue;
      c.status = report::Status::failed;
      c.error = why;
      ++failed;
    }
  }
  return failed;
}

}  // namespace membench::analyze
