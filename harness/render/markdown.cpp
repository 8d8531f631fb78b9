#include "render/markdown.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>
#include <tuple>
#include <vector>

#include "analyze/compare.h"
#include "render/budget_text.h"
#include "render/site_text.h"
#include "render/versus.h"
#include "report/metrics.h"
#include "util/format.h"

namespace membench::render {
namespace {

using report::CaseResult;

// Figures every case carries for the runner's own bookkeeping, not the strategy's.
bool is_bookkeeping(const std::string& key) { return key == "child_vmhwm_bytes" || key == "memory_run_seconds"; }

std::string cell(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

std::string bytes(std::uint64_t v) { return format_bytes(static_cast<double>(v)); }
std::string count(std::uint64_t v) { return format_count(static_cast<double>(v)); }

std::string notes_of(const CaseResult& c) {
  std::string notes;
  if (!c.allocations_unavailable.empty()) notes = "allocations: unavailable (" + c.allocations_unavailable + ")";
  if (!c.memory_unavailable.empty() && c.memory_unavailable != c.allocations_unavailable)
    notes += (notes.empty() ? "" : ", ") + std::string("memory: unavailable (") + c.memory_unavailable + ")";
  if (!c.extra.is_object()) return notes;
  for (auto it = c.extra.begin(); it != c.extra.end(); ++it) {
    if (is_bookkeeping(it.key())) continue;
    if (!notes.empty()) notes += ", ";
    notes += it.key() + " " + (it.value().is_number_unsigned() ? count(it.value().get<std::uint64_t>())
                                                                : it.value().dump());
  }
  return notes;
}

std::string dataset_size(const report::Report& rep, const CaseResult& c) {
  const auto& datasets = rep.context.value("datasets", nlohmann::json::object());
  if (datasets.is_object() && datasets.contains(c.dataset) && datasets[c.dataset].is_object() &&
      datasets[c.dataset].value("bytes", nlohmann::json()).is_number_unsigned())
    return bytes(datasets[c.dataset]["bytes"].get<std::uint64_t>());
  return bytes(c.input_bytes);
}

// A case's figures, one cell per metric of `columns`; "-" where it has none
// (allocation figures, too, when the run did not count allocations).
std::string figure_cells(const CaseResult& c, const std::vector<const report::Metric*>& columns, bool counted) {
  std::string out;
  for (const report::Metric* m : columns) {
    std::optional<double> v = m->value(c);
    bool known = v && (counted || m->kind != report::MetricKind::exact);
    std::string none = report::unavailable_reason(*m, c).empty() ? "-" : "unavailable";
    out.append(" ").append(known ? format_value(m->unit, *v) : none).append(" |");
  }
  return out;
}

std::string versus_cells(const CaseResult& c, const CaseResult& reference,
                         const std::vector<const report::Metric*>& versus, bool counted) {
  std::string out;
  for (const report::Metric* m : versus) {
    std::optional<double> mine = m->value(c), theirs = m->value(reference);
    bool known = mine && theirs && (counted || m->kind != report::MetricKind::exact);
    out.append(" ").append(known ? versus_text(*m, *mine, *theirs) : "-").append(" |");
  }
  return out;
}

// One group's table: a row per case, the figures, then how each compares
// with the reference (when the group has one that completed), then notes.
std::string group_table(const std::vector<const CaseResult*>& cases, const CaseResult* reference,
                        std::vector<const report::Metric*> columns, const std::vector<const report::Metric*>& versus,
                        bool counted) {
  // Columns that would be empty for the whole group are left out: the
  // per-item figures of a workload without items.
  std::erase_if(columns, [&](const report::Metric* m) {
    return report::is_derived(*m) &&
           std::none_of(cases.begin(), cases.end(), [&](const CaseResult* c) { return m->value(*c).has_value(); });
  });
  const bool compare = reference != nullptr;
  const bool any_notes = std::any_of(cases.begin(), cases.end(), [](const CaseResult* c) {
    return c->status == report::Status::ok && !notes_of(*c).empty();
  });
  std::ostringstream out;
  out << "| strategy |";
  for (const report::Metric* m : columns) out << " " << m->label << " |";
  if (compare)
    for (const report::Metric* m : versus) out << " " << m->label << " vs reference |";
  out << (any_notes ? " notes |" : "") << "\n| --- |";
  for (std::size_t i = 0; i < columns.size() + (compare ? versus.size() : 0); ++i) out << " ---: |";
  out << (any_notes ? " --- |" : "") << "\n";
  const std::size_t width = 1 + columns.size() + (compare ? versus.size() : 0) + (any_notes ? 1 : 0);
  for (const CaseResult* c : cases) {
    out << "| `" << cell(c->strategy) << "` |";
    if (c->status != report::Status::ok) {
      out << " **" << report::to_string(c->status) << "**: " << cell(c->error) << " |";
      for (std::size_t i = 2; i < width; ++i) out << " |";
      out << "\n";
      continue;
    }
    out << figure_cells(*c, columns, counted);
    if (compare) {
      if (c == reference)
        for (std::size_t i = 0; i < versus.size(); ++i) out << " (reference) |";
      else
        out << versus_cells(*c, *reference, versus, counted);
    }
    if (any_notes) out << " " << cell(notes_of(*c)) << " |";
    out << "\n";
  }
  return out.str();
}

}  // namespace

std::string results_markdown(const report::Report& rep) {
  // (workload, dataset input size, dataset, allocator) -> the cases, in report order.
  std::map<std::tuple<std::string, std::uint64_t, std::string, std::string>, std::vector<const CaseResult*>> groups;
  for (const CaseResult& c : rep.results)
    groups[{c.workload, c.input_bytes, c.dataset, c.allocator}].push_back(&c);

  std::ostringstream out;
  out << budget_markdown(rep);
  bool counted = rep.context.value("allocation_counter", true) != false;
  std::vector<const CaseResult*> all;
  for (const CaseResult& c : rep.results) all.push_back(&c);
  auto applicable = [&](std::vector<const report::Metric*> list) {
    std::erase_if(list, [&](const report::Metric* m) { return !report::applies_to(*m, all); });
    return list;
  };
  const std::vector<const report::Metric*> all_columns = applicable(report::metrics_shown(report::kMarkdown));
  // The "vs reference" columns in the order compare judges: exact counts first.
  const std::vector<const report::Metric*> versus =
      applicable(report::in_judging_order(report::metrics_shown(report::kVersus)));
  for (auto& [key, cases] : groups) {
    const auto& [workload, size, dataset, allocator] = key;
    WorkloadInfo info = workload_info(rep, workload);
    std::stable_sort(cases.begin(), cases.end(), [&](const CaseResult* a, const CaseResult* b) {
      return report::shown_before(*a, *b, info.reference);
    });
    const CaseResult* reference = nullptr;
    for (const CaseResult* c : cases)
      if (c->strategy == info.reference && c->status == report::Status::ok) reference = c;

    out << "### " << cell(workload) << " · " << cell(dataset) << " (" << dataset_size(rep, *cases.front()) << ") · "
        << cell(allocator) << "\n\n";
    if (!info.description.empty()) out << cell(info.description) << ". ";
    if (!info.reference.empty()) out << "Reference strategy: `" << cell(info.reference) << "`.";
    if (!info.description.empty() || !info.reference.empty()) out << "\n\n";
    // Command cases: each strategy's command line.
    for (const CaseResult* c : cases)
      if (c->command.is_object() && c->command.value("line", nlohmann::json()).is_string())
        out << "- `" << cell(c->strategy) << "`: `" << cell(c->command["line"].get<std::string>()) << "`\n";
    if (cases.front()->command.is_object()) out << "\n";
    out << group_table(cases, reference, all_columns, versus, counted) << "\n" << top_sites_markdown(cases);
  }
  if (groups.empty()) out << "No results.\n";
  return out.str();
}

}  // namespace membench::render
