#include "report/merge.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <utility>

namespace membench::report {
namespace {

using nlohmann::json;

// Shards of one run agree on these; a difference means two different runs or builds.
const char* const kIdentityKeys[] = {"suite", "membench_version", "git_commit", "build_id"};

struct Shard {
  std::string source;
  Report report;
  std::optional<std::pair<long, long>> index;  // (I, N) from context.shard "I/N"
};

std::optional<std::pair<long, long>> parse_shard(const json& context, const std::string& source) {
  auto it = context.find("shard");
  if (it == context.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) throw MergeError(source + ": context.shard is not a string \"I/N\"");
  std::string s = it->get<std::string>();
  long i = 0, n = 0;
  char tail = 0;
  if (std::sscanf(s.c_str(), "%ld/%ld%c", &i, &n, &tail) != 2 || n < 1 || i < 1 || i > n)
    throw MergeError(source + ": context.shard '" + s + "' is not of the form I/N");
  return std::make_pair(i, n);
}

// Built by appends: GCC 12's -Wrestrict misfires on "'" + std::string once inlined.
std::string shown(const json& v) {
  if (v.is_null()) return "(absent)";
  if (!v.is_string()) return v.dump();
  std::string quoted = "'";
  quoted += v.get<std::string>();
  quoted += "'";
  return quoted;
}

bool same_fit(const ScalingFit& a, const ScalingFit& b) {
  return a.workload == b.workload && a.strategy == b.strategy && a.allocator == b.allocator && a.metric == b.metric;
}

bool identical_fit(const ScalingFit& a, const ScalingFit& b) {
  return same_fit(a, b) && a.points == b.points && a.slope == b.slope && a.intercept == b.intercept &&
         a.complexity == b.complexity;
}

// Refuses inputs that are not shards of one run.
void check_one_run(const std::vector<Shard>& shards) {
  const Shard& first = shards.front();
  for (const Shard& s : shards)
    if (s.report.schema != first.report.schema)
      throw MergeError(s.source + ": schema '" + s.report.schema + "' differs from '" + first.report.schema +
                       "' in " + first.source + " (not shards of one run)");
  for (const char* key : kIdentityKeys) {
    json expected = first.report.context.value(key, json());
    for (const Shard& s : shards) {
      json got = s.report.context.value(key, json());
      if (got != expected)
        throw MergeError(s.source + ": context." + key + " " + shown(got) + " differs from " + shown(expected) +
                         " in " + first.source + " (not shards of one run)");
    }
  }
}

// Shards that all name their index: one split, each shard once, sorted by
// index (a missing one is a warning). Inputs without an index keep their order.
void order_shards(std::vector<Shard>& shards, std::vector<std::string>& warnings) {
  std::size_t with_index = 0;
  for (const Shard& s : shards) with_index += s.index ? 1 : 0;
  if (with_index == 0) return;
  if (with_index < shards.size()) {
    warnings.push_back("some inputs carry context.shard and some do not");
    return;
  }
  const Shard& first = shards.front();
  std::map<long, const Shard*> seen;
  const long n = first.index->second;
  for (const Shard& s : shards) {
    if (s.index->second != n)
      throw MergeError(s.source + ": shard " + s.report.context["shard"].get<std::string>() +
                       " belongs to a split into " + std::to_string(s.index->second) + ", " + first.source +
                       " to one into " + std::to_string(n));
    if (auto [it, fresh] = seen.emplace(s.index->first, &s); !fresh)
      throw MergeError(s.source + ": shard " + std::to_string(s.index->first) + "/" + std::to_string(n) +
                       " is also " + it->second->source);
  }
  std::string missing;
  for (long i = 1; i <= n; ++i)
    if (!seen.count(i)) missing += (missing.empty() ? "" : ", ") + std::to_string(i) + "/" + std::to_string(n);
  if (!missing.empty()) warnings.push_back("shard(s) " + missing + " not given: the merged report is partial");
  std::stable_sort(shards.begin(), shards.end(),
                   [](const Shard& a, const Shard& b) { return a.index->first < b.index->first; });
}

// The context is the first shard's; what differed per shard is kept beside it.
json merged_context(const std::vector<Shard>& shards) {
  json context = shards.front().report.context;
  if (shards.size() == 1) return context;
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
    context[key] = std::move(all);
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
  context.erase("shard");
  json list = json::array();
  for (const Shard& s : shards)
    if (s.report.context.contains("shard")) list.push_back(s.report.context["shard"]);
  if (!list.empty()) context["merged_shards"] = list;
  if (!differing.empty()) context["shard_contexts"] = per_shard;
  return context;
}

}  // namespace

MergeResult merge_reports(std::vector<MergeInput> inputs) {
  if (inputs.empty()) throw MergeError("no report to merge");
  std::vector<Shard> shards;
  for (MergeInput& in : inputs) {
    auto index = parse_shard(in.report.context, in.source);
    shards.push_back({std::move(in.source), std::move(in.report), index});
  }
  check_one_run(shards);
  MergeResult result;
  order_shards(shards, result.warnings);

  Report& merged = result.report;
  merged.schema = shards.front().report.schema;
  std::map<std::string, std::string> owner;  // case id -> source
  for (Shard& s : shards) {
    for (CaseResult& c : s.report.results) {
      if (auto [it, fresh] = owner.emplace(c.id, s.source); !fresh)
        throw MergeError(s.source + ": case " + c.id + " is also in " + it->second + " (duplicate case id)");
      merged.results.push_back(std::move(c));
    }
    for (const ScalingFit& f : s.report.scaling) {
      auto same = std::find_if(merged.scaling.begin(), merged.scaling.end(),
                               [&](const ScalingFit& g) { return same_fit(f, g); });
      if (same == merged.scaling.end()) {
        merged.scaling.push_back(f);
      } else if (!identical_fit(*same, f)) {
        // Shards fitted different points of one curve; keep the fit over more sizes.
        result.warnings.push_back("scaling " + f.workload + "/" + f.strategy + "/" + f.allocator + " " + f.metric +
                                  " differs between shards; kept the fit over more sizes");
        if (f.points.size() > same->points.size()) *same = f;
      }
    }
  }
  merged.context = merged_context(shards);
  return result;
}

}  // namespace membench::report
