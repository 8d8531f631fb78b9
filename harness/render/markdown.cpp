#include "render/markdown.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>
#include <tuple>
#include <vector>

#include "render/terminal.h"
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


std::string ratio_text(double r) {
  char buf[32];
  std::snprintf(buf, sizeof buf, r >= 100 ? "%.0f×" : r >= 10 ? "%.1f×" : "%.2f×", r);
  return buf;
}

// "12× fewer", "1.50× more", "same", "none (reference: 3)".
std::string allocations_vs(std::uint64_t mine, std::uint64_t reference) {
  if (mine == reference) return "same";
  if (mine == 0) return "none";
  // Appending, not "literal" + string: GCC 12 warns falsely (-Wrestrict) on that.
  if (reference == 0) return std::string("+").append(count(mine)).append(" (reference: none)");
  double r = static_cast<double>(mine) / static_cast<double>(reference);
  return r < 1 ? ratio_text(1 / r) + " fewer" : ratio_text(r) + " more";
}

std::string signed_bytes(std::uint64_t mine, std::uint64_t reference) {
  if (mine == reference) return "same";
  return mine > reference ? std::string("+").append(bytes(mine - reference))
                          : std::string("−").append(bytes(reference - mine));
}

std::string notes_of(const CaseResult& c) {
  std::string notes;
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

struct WorkloadInfo {
  std::string reference, description;
};

WorkloadInfo workload_info(const report::Report& rep, const std::string& workload) {
  WorkloadInfo info;
  const auto& all = rep.context.value("workloads", nlohmann::json::object());
  if (!all.is_object() || !all.contains(workload) || !all[workload].is_object()) return info;
  const auto& w = all[workload];
  if (w.value("reference_strategy", nlohmann::json()).is_string()) info.reference = w["reference_strategy"];
  if (w.value("description", nlohmann::json()).is_string()) info.description = w["description"];
  return info;
}

}  // namespace

std::string results_markdown(const report::Report& rep) {
  // (workload, dataset input size, dataset, allocator) -> the cases, in report order.
  std::map<std::tuple<std::string, std::uint64_t, std::string, std::string>, std::vector<const CaseResult*>> groups;
  for (const CaseResult& c : rep.results)
    groups[{c.workload, c.input_bytes, c.dataset, c.allocator}].push_back(&c);

  std::ostringstream out;
  bool counted = rep.context.value("allocation_counter", true) != false;
  for (auto& [key, cases] : groups) {
    const auto& [workload, size, dataset, allocator] = key;
    WorkloadInfo info = workload_info(rep, workload);
    std::stable_sort(cases.begin(), cases.end(), [&](const CaseResult* a, const CaseResult* b) {
      bool a_ref = a->strategy == info.reference, b_ref = b->strategy == info.reference;
      if (a_ref != b_ref) return a_ref;
      return a->strategy < b->strategy;
    });
    const CaseResult* reference = nullptr;
    for (const CaseResult* c : cases)
      if (c->strategy == info.reference && c->status == report::Status::ok) reference = c;

    out << "### " << cell(workload) << " · " << cell(dataset) << " (" << dataset_size(rep, *cases.front()) << ") · "
        << cell(allocator) << "\n\n";
    if (!info.description.empty()) out << cell(info.description) << ". ";
    if (!info.reference.empty()) out << "Reference strategy: `" << cell(info.reference) << "`.";
    if (!info.description.empty() || !info.reference.empty()) out << "\n\n";
    // Columns that would be empty for the whole group are left out.
    const bool compare = reference != nullptr;
    const bool any_notes = std::any_of(cases.begin(), cases.end(), [](const CaseResult* c) {
      return c->status == report::Status::ok && !notes_of(*c).empty();
    });
    out << "| strategy | peak RSS Δ | allocations | allocated | peak live | temporary | throughput |"
        << (compare ? " allocations vs reference | peak RSS Δ vs reference |" : "") << (any_notes ? " notes |" : "")
        << "\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |" << (compare ? " ---: | ---: |" : "")
        << (any_notes ? " --- |" : "") << "\n";
    const int columns = 7 + (compare ? 2 : 0) + (any_notes ? 1 : 0);
    for (const CaseResult* c : cases) {
      out << "| `" << cell(c->strategy) << "` |";
      if (c->status != report::Status::ok) {
        out << " **" << report::to_string(c->status) << "**: " << cell(c->error) << " |";
        for (int i = 2; i < columns; ++i) out << " |";
        out << "\n";
        continue;
      }
      const bool has_allocations = counted && c->allocations.has_value();
      out << " " << (c->memory ? bytes(c->memory->peak_rss_delta_bytes) : "-") << " | "
          << (has_allocations ? count(c->allocations->count) : "-") << " | "
          << (has_allocations ? bytes(c->allocations->bytes) : "-") << " | "
          << (has_allocations ? bytes(c->allocations->peak_live_bytes) : "-") << " | "
          << (has_allocations ? count(c->allocations->temporary) : "-") << " | "
          << (c->throughput ? format_rate(c->throughput->bytes_per_second) : "-") << " |";
      if (compare) {
        if (c == reference) {
          out << " (reference) | (reference) |";
        } else {
          out << " "
              << (has_allocations && reference->allocations
                      ? allocations_vs(c->allocations->count, reference->allocations->count)
                      : "-")
              << " | "
              << (c->memory && reference->memory
                      ? signed_bytes(c->memory->peak_rss_delta_bytes, reference->memory->peak_rss_delta_bytes)
                      : "-")
              << " |";
        }
      }
      if (any_notes) out << " " << cell(notes_of(*c)) << " |";
      out << "\n";
    }
    out << "\n";
  }
  if (groups.empty()) out << "No results.\n";
  return out.str();
}

}  // namespace membench::render
