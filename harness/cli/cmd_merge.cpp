// membench merge IN.json... -o OUT.json: joins the shard reports of one run.
#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/output_checks.h"
#include "report/json.h"

namespace membench::cli {
namespace {

using nlohmann::json;

// Shards of one run agree on these; a difference means two different runs or builds.
const char* const kIdentityKeys[] = {"suite", "membench_version", "git_commit", "build_id"};

struct Shard {
  std::string path;
  report::Report report;
  std::optional<std::pair<long, long>> index;  // (I, N) from context.shard "I/N"
};

std::optional<std::pair<long, long>> parse_shard(const json& context, const std::string& path) {
  auto it = context.find("shard");
  if (it == context.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) throw UsageError("merge: " + path + ": context.shard is not a string \"I/N\"");
  std::string s = it->get<std::string>();
  long i = 0, n = 0;
  char tail = 0;
  if (std::sscanf(s.c_str(), "%ld/%ld%c", &i, &n, &tail) != 2 || n < 1 || i < 1 || i > n)
    throw UsageError("merge: " + path + ": context.shard '" + s + "' is not of the form I/N");
  return std::make_pair(i, n);
}

std::string shown(const json& v) { return v.is_null() ? "(absent)" : v.is_string() ? "'" + v.get<std::string>() + "'" : v.dump(); }

bool same_fit(const report::ScalingFit& a, const report::ScalingFit& b) {
  return a.workload == b.workload && a.strategy == b.strategy && a.allocator == b.allocator && a.metric == b.metric;
}

bool identical_fit(const report::ScalingFit& a, const report::ScalingFit& b) {
  return same_fit(a, b) && a.points == b.points && a.slope == b.slope && a.intercept == b.intercept &&
         a.complexity == b.complexity;
}

int run_merge(const std::vector<std::string>& args) {
  ArgParser parser("merge", "IN.json... -o OUT.json");
  parser.option("out", "the merged report to write").alias('o');
  parser.parse(args);
  if (parser.help_requested()) {
    std::printf(
        "usage: membench merge IN.json... -o OUT.json\n\n"
        "Joins the shard reports of one run (run --shard I/N) into one report. Refuses shards\n"
        "of different runs (context suite, membench_version, git_commit or build_id differ),\n"
        "the same shard twice and duplicate case ids. Scaling fits are kept as the shards\n"
        "computed them (identical ones once); nothing is re-measured or re-fitted.\n\n"
        "options:\n"
        "  -o, --out OUT.json      the merged report (replaced atomically)\n"
        "  --help                  show this help\n");
    return 0;
  }
  std::optional<std::string> out = parser.value("out");
  if (!out || out->empty()) throw UsageError("merge: -o OUT.json is required (see --help)");
  if (parser.positionals().empty()) throw UsageError("merge: no input report given (see --help)");
  check_outputs("merge", {{"-o", out}}, parser.positionals());

  std::vector<Shard> shards;
  for (const std::string& path : parser.positionals()) {
    Shard s{path, report::read_report_file(path), std::nullopt};
    s.index = parse_shard(s.report.context, path);
    shards.push_back(std::move(s));
  }

  const Shard& first = shards.front();
  for (const char* key : kIdentityKeys) {
    json expected = first.report.context.value(key, json());
    for (const Shard& s : shards) {
      json got = s.report.context.value(key, json());
      if (got != expected)
        throw UsageError("merge: " + s.path + ": context." + key + " " + shown(got) + " differs from " +
                         shown(expected) + " in " + first.path + " (not shards of one run)");
    }
  }

  std::size_t with_index = 0;
  for (const Shard& s : shards) with_index += s.index ? 1 : 0;
  std::vector<std::string> warnings;
  if (with_index == shards.size()) {
    std::map<long, const Shard*> seen;
    const long n = first.index->second;
    for (const Shard& s : shards) {
      if (s.index->second != n)
        throw UsageError("merge: " + s.path + ": shard " + s.report.context["shard"].get<std::string>() +
                         " belongs to a split into " + std::to_string(s.index->second) + ", " + first.path +
                         " to one into " + std::to_string(n));
      if (auto [it, fresh] = seen.emplace(s.index->first, &s); !fresh)
        throw UsageError("merge: " + s.path + ": shard " + std::to_string(s.index->first) + "/" +
                         std::to_string(n) + " is also " + it->second->path);
    }
    std::string missing;
    for (long i = 1; i <= n; ++i)
      if (!seen.count(i)) missing += (missing.empty() ? "" : ", ") + std::to_string(i) + "/" + std::to_string(n);
    if (!missing.empty()) warnings.push_back("shard(s) " + missing + " not given: the merged report is partial");
    std::stable_sort(shards.begin(), shards.end(),
                     [](const Shard& a, const Shard& b) { return a.index->first < b.index->first; });
  } else if (with_index > 0) {
    warnings.push_back("some inputs carry context.shard and some do not");
  }

  report::Report merged;
  merged.schema = first.report.schema;
  merged.context = shards.front().report.context;
  std::map<std::string, std::string> owner;  // case id -> file
  for (const Shard& s : shards) {
    for (const report::CaseResult& c : s.report.results) {
      if (auto [it, fresh] = owner.emplace(c.id, s.path); !fresh)
        throw UsageError("merge: " + s.path + ": case " + c.id + " is also in " + it->second +
                         " (duplicate case id)");
      merged.results.push_back(c);
    }
    for (const report::ScalingFit& f : s.report.scaling) {
      auto same = std::find_if(merged.scaling.begin(), merged.scaling.end(),
                               [&](const report::ScalingFit& g) { return same_fit(f, g); });
      if (same == merged.scaling.end()) {
        merged.scaling.push_back(f);
      } else if (!identical_fit(*same, f)) {
        // Shards fitted different points of one curve; keep the fit over more sizes.
        warnings.push_back("scaling " + f.workload + "/" + f.strategy + "/" + f.allocator + " " + f.metric +
                           " differs between shards; kept the fit over more sizes");
        if (f.points.size() > same->points.size()) *same = f;
      }
    }
  }

  // The context is the first shard's; what differed per shard is kept beside it.
  if (shards.size() > 1) {
    // Each shard describes the datasets, allocators and workloads its own
    // cases used: the merged report gets the union, so every case finds its
    // entry. An entry two shards describe differently stays per shard.
    std::set<std::string> unioned;
    for (const char* key : {"datasets", "allocators", "workloads"}) {
      json all = json::object();
      bool consistent = true;
      for (const Shard& s : shards) {
        json part = s.report.context.value(key, json::object());
        if (!part.is_object()) consistent = false;
        if (!consistent) break;
        for (auto it = part.begin(); it != part.end(); ++it) {
          if (all.contains(it.key()) && all[it.key()] != it.value()) consistent = false;
          else all[it.key()] = it.value();
        }
      }
      if (!consistent) continue;
      merged.context[key] = std::move(all);
      unioned.insert(key);
    }
    std::set<std::string> differing;
    for (const Shard& s : shards)
      for (auto it = s.report.context.begin(); it != s.report.context.end(); ++it)
        for (const Shard& t : shards)
          if (!unioned.count(it.key()) && t.report.context.value(it.key(), json()) != it.value())
            differing.insert(it.key());
    json per_shard = json::array();
    for (const Shard& s : shards) {
      json entry = json::object();
      for (const std::string& key : differing) entry[key] = s.report.context.value(key, json());
      per_shard.push_back(std::move(entry));
    }
    merged.context.erase("shard");
    json list = json::array();
    for (const Shard& s : shards)
      if (s.report.context.contains("shard")) list.push_back(s.report.context["shard"]);
    if (!list.empty()) merged.context["merged_shards"] = list;
    if (!differing.empty()) merged.context["shard_contexts"] = per_shard;
  }

  report::write_report_file(merged, *out);
  for (const std::string& w : warnings) std::fprintf(stderr, "membench: merge: warning: %s\n", w.c_str());
  std::printf("merged %zu report%s (%zu cases, %zu scaling fits) into %s\n", shards.size(),
              shards.size() == 1 ? "" : "s", merged.results.size(), merged.scaling.size(), out->c_str());
  return 0;
}

}  // namespace

MEMBENCH_COMMAND(merge, "merge", "join the shard reports of one run", run_merge, false);

}  // namespace membench::cli
