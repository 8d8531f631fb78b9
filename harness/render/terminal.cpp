#include "render/terminal.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

#include "analyze/compare.h"
#include "render/budget_text.h"
#include "report/metrics.h"
#include "util/format.h"

namespace membench::render {

using report::CaseResult;

std::string case_summary(const CaseResult& r) {
  std::ostringstream s;
  s << report::to_string(r.status);
  if (r.status != report::Status::ok) {
    s << ": " << r.error;
    return s.str();
  }
  if (r.throughput) s << "  " << format_rate(r.throughput->bytes_per_second);
  if (r.memory) s << "  peak RSS +" << format_bytes(static_cast<double>(r.memory->peak_rss_delta_bytes));
  if (!r.memory_unavailable.empty() && r.memory_unavailable != r.allocations_unavailable)
    s << "  memory: unavailable (" << r.memory_unavailable << ")";
  if (r.allocations && r.allocations->iterations > 0)
    s << "  allocs/iter " << format_count(static_cast<double>(r.allocations->count) / static_cast<double>(r.allocations->iterations))
      << " (" << r.allocations->count << " in " << r.allocations->iterations << " iterations)";
  else if (r.allocations) s << "  allocs " << r.allocations->count;
  if (!r.allocations_unavailable.empty()) s << "  allocations: unavailable (" << r.allocations_unavailable << ")";
  return s.str();
}

std::string summary_table(const report::Report& rep) {
  struct Row {
    std::vector<std::string> cells;
  };
  // Columns no case has a figure for (cachegrind's without --cachegrind) are left out.
  std::vector<const report::Metric*> columns = report::metrics_shown(report::kTerminal);
  std::vector<const CaseResult*> all;
  for (const CaseResult& c : rep.results) all.push_back(&c);
  std::erase_if(columns, [&](const report::Metric* m) {
    return !report::applies_to(*m, all) || std::none_of(rep.results.begin(), rep.results.end(), [&](const CaseResult& c) {
      return m->value(c).has_value() || !report::unavailable_reason(*m, c).empty();
    });
  });
  std::vector<std::string> head{"case", "status"};
  for (const report::Metric* m : columns) head.emplace_back(m->label);
  std::vector<Row> rows;
  for (const CaseResult& r : rep.results) {
    Row row;
    row.cells.push_back(r.id);
    row.cells.push_back(report::to_string(r.status));
    for (const report::Metric* m : columns) {
      std::optional<double> v = m->value(r);
      row.cells.push_back(v ? format_value(m->unit, *v)
                            : report::unavailable_reason(*m, r).empty() ? "-" : "unavailable");
    }
    rows.push_back(std::move(row));
  }
  std::vector<std::size_t> width(head.size());
  auto display_width = [](const std::string& s) {
    std::size_t w = 0;
    for (unsigned char c : s) w += (c & 0xC0) != 0x80;  // count UTF-8 code points
    return w;
  };
  for (std::size_t i = 0; i < head.size(); ++i) width[i] = display_width(head[i]);
  for (const Row& r : rows)
    for (std::size_t i = 0; i < r.cells.size(); ++i) width[i] = std::max(width[i], display_width(r.cells[i]));
  std::ostringstream out;
  auto emit = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      std::size_t pad = width[i] - display_width(cells[i]);
      if (i == 0 || i == 1) out << cells[i] << std::string(pad, ' ');
      else out << std::string(pad, ' ') << cells[i];
      out << (i + 1 < cells.size() ? "  " : "\n");
    }
  };
  emit(head);
  for (const Row& r : rows) emit(r.cells);
  bool any_failed = false;
  for (const CaseResult& r : rep.results)
    if (r.status != report::Status::ok && r.status != report::Status::skipped) {
      if (!any_failed) out << "\n";
      any_failed = true;
      out << report::to_string(r.status) << ": " << r.id << ": " << r.error << "\n";
    }
  bool first_fit = true;
  const report::Metric& rss = report::metric(report::MetricId::peak_rss_delta);
  for (const report::ScalingFit& f : rep.scaling)
    if (f.metric == rss.name) {
      if (std::exchange(first_fit, false)) out << "\n";
      char line[256];
      std::snprintf(line, sizeof line, "scaling %s/%s/%s: %s %s (slope %.3f, R² %.2f)\n", f.workload.c_str(),
                    f.strategy.c_str(), f.allocator.c_str(), rss.label, f.complexity.c_str(), f.slope, f.r2);
      out << line;
    }
  out << budget_lines(rep);
  return out.str();
}

}  // namespace membench::render
