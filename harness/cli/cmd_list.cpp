// membench list: workloads, their strategies, datasets.
#include <sys/stat.h>

#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "core/strategy.h"
#include "datasets/dataset.h"

namespace membench::cli {
namespace {

std::vector<const Workload*> visible_workloads(bool all) {
  std::vector<const Workload*> out;
  for (const Workload& w : workload_registry())  // sorted by name
    if (all || !w.hidden) out.push_back(&w);
  return out;
}

std::vector<const Strategy*> strategies_of(const Workload* w) {
  std::vector<const Strategy*> out;
  for (const Strategy& s : strategy_registry())  // sorted by workload, then name
    if (std::string_view(s.workload) == w->name) out.push_back(&s);
  return out;
}

std::string tiers(unsigned t) {
  std::string s;
  if (t & datasets::kQuick) s += "quick ";
  if (t & datasets::kStandard) s += "default ";
  if (t & datasets::kLarge) s += "opt-in ";
  if (!s.empty()) s.pop_back();
  return s;
}

bool cached(const datasets::DatasetDef& d) {
  struct stat st{};
  std::string path = datasets::data_dir() + "/" + d.name;
  // A corpus (no generator) has no size until it is built.
  return ::stat(path.c_str(), &st) == 0 && (!d.generate || static_cast<std::uint64_t>(st.st_size) == d.size);
}

int list_main(const std::vector<std::string>& args) {
  ArgParser p("list", "[--json] [--all]");
  p.flag("json", "machine-readable output").flag("all", "include test-only workloads");
  p.parse(args);
  if (p.help_requested()) {
    std::printf("%s", p.help_text().c_str());
    return 0;
  }
  if (!p.positionals().empty()) throw UsageError("list: unexpected argument '" + p.positionals()[0] + "'");
  auto workloads = visible_workloads(p.has("all"));
  if (p.has("json")) {
    nlohmann::json j = {{"workloads", nlohmann::json::array()}, {"datasets", nlohmann::json::array()}};
    for (const Workload* w : workloads) {
      nlohmann::json strategies = nlohmann::json::array();
      for (const Strategy* s : strategies_of(w)) {
        nlohmann::json params = nlohmann::json::object();
        for (const Param& prm : s->params.items()) params[prm.name] = prm.value;
        strategies.push_back({{"name", s->name}, {"description", s->description}, {"params", params}});
      }
      j["workloads"].push_back({{"name", w->name},
                                {"description", w->description},
                                {"input", w->input == InputKind::path ? "path" : "bytes"},
                                {"dataset_kind", w->dataset_kind},
                                {"reference_strategy", w->reference_strategy},
                                {"hidden", w->hidden},
                                {"strategies", strategies}});
    }
    for (const datasets::DatasetDef& d : datasets::dataset_registry())
      j["datasets"].push_back({{"name", d.name}, {"kind", d.kind},
                               {"bytes", d.generate ? nlohmann::json(d.size) : nlohmann::json(nullptr)},
                               {"suites", tiers(d.tiers)}, {"description", d.description},
                               {"cached", cached(d)}});
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  for (const Workload* w : workloads) {
    std::printf("%s: %s (datasets: %s; reference: %s)\n", w->name, w->description, w->dataset_kind,
                w->reference_strategy);
    for (const Strategy* s : strategies_of(w)) {
      std::string params;
      for (const Param& prm : s->params.items())
        params += (params.empty() ? " [" : ", ") + std::string(prm.name) + "=" + std::to_string(prm.value);
      if (!params.empty()) params += "]";
      std::printf("  %-16s %s%s\n", s->name, s->description, params.c_str());
    }
  }
  std::printf("\ndatasets (cache: %s):\n", datasets::data_dir().c_str());
  for (const datasets::DatasetDef& d : datasets::dataset_registry())
    std::printf("  %-20s %-12s %-14s %s%s\n", d.name, d.kind, tiers(d.tiers).c_str(), d.description,
                cached(d) ? " (cached)" : "");
  std::printf("\nA case id is workload/strategy/dataset/allocator; select cases with run --filter REGEX.\n");
  return 0;
}

int datasets_main(const std::vector<std::string>& args) {
  ArgParser p("datasets", "[list | generate [NAME...]]");
  p.flag("quick", "with generate and no NAME: the quick suite's datasets");
  p.parse(args);
  if (p.help_requested()) {
    std::printf("%s\n'generate' with no NAME materialises the default suite's datasets.\n"
                "Datasets are cached in $MEMBENCH_DATA_DIR (now %s).\n",
                p.help_text().c_str(), datasets::data_dir().c_str());
    return 0;
  }
  const auto& pos = p.positionals();
  std::string action = pos.empty() ? "list" : pos[0];
  if (action == "list") {
    if (pos.size() > 1) throw UsageError("datasets list: unexpected argument '" + pos[1] + "'");
    for (const datasets::DatasetDef& d : datasets::dataset_registry())
      std::printf("%-20s %-12s %18s  %-14s %s\n", d.name, d.kind,
                  d.generate ? (std::to_string(d.size) + " bytes").c_str() : "(from this system)",
                  tiers(d.tiers).c_str(), cached(d) ? "cached" : "-");
    return 0;
  }
  if (action != "generate") throw UsageError("datasets: unknown action '" + action + "' (list or generate)");
  std::vector<const datasets::DatasetDef*> chosen;
  for (std::size_t i = 1; i < pos.size(); ++i) {
    const auto* d = datasets::find_dataset(pos[i]);
    if (!d) throw UsageError("datasets generate: unknown dataset '" + pos[i] + "' (see 'membench datasets list')");
    chosen.push_back(d);
  }
  if (chosen.empty())
    for (const datasets::DatasetDef& d : datasets::dataset_registry())
      if (d.tiers & (p.has("quick") ? datasets::kQuick : datasets::kStandard)) chosen.push_back(&d);
  for (const auto* d : chosen) {
    std::string path = datasets::materialise(*d);
    std::printf("%s  %s\n", d->name, path.c_str());
  }
  return 0;
}

}  // namespace

MEMBENCH_COMMAND(list, "list", "workloads, their strategies, and datasets", list_main, false);
MEMBENCH_COMMAND(datasets, "datasets", "show and materialise datasets", datasets_main, false);

}  // namespace membench::cli
