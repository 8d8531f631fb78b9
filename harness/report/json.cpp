#include "report/json.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "report/sites.h"
#include "util/atomic_file.h"
#include "util/read_file.h"

namespace membench::report {

using nlohmann::json;

const char* to_string(Status s) {
  switch (s) {
    case Status::ok: return "ok";
    case Status::failed: return "failed";
    case Status::timeout: return "timeout";
    case Status::oom: return "oom";
    case Status::mismatch: return "mismatch";
    case Status::skipped: return "skipped";
  }
  return "failed";
}

std::optional<Status> status_from_string(const std::string& s) {
  for (Status st : {Status::ok, Status::failed, Status::timeout, Status::oom, Status::mismatch,
                    Status::skipped})
    if (s == to_string(st)) return st;
  return std::nullopt;
}

std::string case_id(const std::string& workload, const std::string& strategy,
                    const std::string& dataset, const std::string& allocator) {
  return workload + "/" + strategy + "/" + dataset + "/" + allocator;
}

// ---- writing ----------------------------------------------------------------
// The fields and their meaning: docs/report-format.md. A field added here is
// added there and to docs/report.schema.json (a test validates real reports).

namespace {

// A derived figure written for readers of the JSON; the analysis layer has
// its own statistics, which this layer may not depend on.
double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

namespace {

json time_json(const TimeStats& t) {
  json j = {{"repetitions", t.repetitions},     {"iterations", t.iterations},
            {"real_ns", t.real_ns},             {"cpu_ns", t.cpu_ns},
            {"median_real_ns", t.median_real_ns}, {"cv", t.cv}};
  json per_process = json::array(), medians = json::array();
  for (const ProcessSamples& p : t.per_process) {
    per_process.push_back({{"real_ns", p.real_ns}, {"cpu_ns", p.cpu_ns}, {"iterations", p.iterations}});
    if (!p.real_ns.empty()) medians.push_back(median_of(p.real_ns));
  }
  j["processes"] = t.per_process.size();
  j["warmup"] = {{"min_seconds", t.warmup_seconds}};
  j["per_process"] = per_process;
  j["process_medians_ns"] = medians;
  if (!t.cpu_clock.empty()) j["cpu_clock"] = t.cpu_clock;
  return j;
}

json memory_json(const MemoryStats& m) {
  return {{"baseline_rss_bytes", m.baseline_rss_bytes},
          {"peak_rss_bytes", m.peak_rss_bytes},
          {"peak_rss_delta_bytes", m.peak_rss_delta_bytes},
          {"peak_anon_bytes", m.peak_anon_bytes},
          {"peak_file_bytes", m.peak_file_bytes},
          {"peak_shmem_bytes", m.peak_shmem_bytes},
          {"baseline_anon_bytes", m.baseline_anon_bytes},
          {"baseline_file_bytes", m.baseline_file_bytes},
          {"baseline_shmem_bytes", m.baseline_shmem_bytes},
          {"minor_faults", m.minor_faults},
          {"major_faults", m.major_faults},
          {"samples", m.samples},
          {"peak_rss_sampled_bytes", m.peak_rss_sampled_bytes}};
}

json allocations_json(const Allocations& a) {
  json j = json::object();
  track::for_each_allocation_total(
      [&](const track::AllocationField& f, std::uint64_t value) { j[f.report_key] = value; }, a);
  if (a.iterations > 0) {
    // Derived for readers; the totals and the iteration count are the record.
    const double n = static_cast<double>(a.iterations);
    j["iterations"] = a.iterations;
    j["per_iteration"] = {{"count", static_cast<double>(a.count) / n},
                          {"bytes", static_cast<double>(a.bytes) / n},
                          {"temporary", static_cast<double>(a.temporary) / n}};
  }
  if (a.sites) j["sites"] = sites_to_json(*a.sites);
  return j;
}

json budget_json(const BudgetOutcome& b) {
  json checks = json::array();
  for (const BudgetCheck& k : b.checks)
    checks.push_back({{"metric", k.metric},
                      {"op", k.op},
                      {"limit", k.limit},
                      {"value", k.value ? json(*k.value) : json(nullptr)},
                      {"source", k.source},
                      {"over", k.over}});
  json leaks = json::array();
  for (const LeakEntry& l : b.leaks) {
    json e = {{"site", l.site}, {"bytes", l.bytes}};
    if (!l.suppressed_by.empty()) e["suppressed_by"] = l.suppressed_by;
    leaks.push_back(e);
  }
  return {{"verdict", b.over() ? "over budget" : "within budget"}, {"checks", checks}, {"leaks", leaks}};
}

json case_json(const CaseResult& c) {
  json e;
  e["id"] = c.id;
  e["workload"] = c.workload;
  e["strategy"] = c.strategy;
  e["dataset"] = c.dataset;
  e["allocator"] = c.allocator;
  json params = json::object();
  for (const auto& [k, v] : c.params) params[k] = v;
  e["params"] = params;
  e["status"] = to_string(c.status);
  e["error"] = c.error;
  e["input_bytes"] = c.input_bytes;
  e["input_items"] = c.input_items;
  e["output_digest"] = c.output_digest;
  if (c.time) e["time"] = time_json(*c.time);
  if (c.throughput) {
    e["throughput"] = {{"bytes_per_second", c.throughput->bytes_per_second}};
    if (c.throughput->items_per_second) e["throughput"]["items_per_second"] = *c.throughput->items_per_second;
  }
  if (c.memory) e["memory"] = memory_json(*c.memory);
  if (c.allocations) e["allocations"] = allocations_json(*c.allocations);
  if (c.timeline)
    e["timeline"] = {{"interval_ms", c.timeline->interval_ms},
                     {"rss_bytes", c.timeline->rss_bytes},
                     {"anon_bytes", c.timeline->anon_bytes},
                     {"file_bytes", c.timeline->file_bytes}};
  if (!c.allocator_stats.is_null()) e["allocator_stats"] = c.allocator_stats;
  if (!c.heaptrack.is_null()) e["heaptrack"] = c.heaptrack;
  if (c.cachegrind)
    e["cachegrind"] = {{"instructions", c.cachegrind->instructions},
                       {"d1_misses", c.cachegrind->d1_misses},
                       {"ll_misses", c.cachegrind->ll_misses}};
  if (c.cachegrind && c.cachegrind->estimated_cycles)
    e["cachegrind"]["estimated_cycles"] = *c.cachegrind->estimated_cycles;
  if (!c.extra.is_null()) e["extra"] = c.extra;
  if (!c.command.is_null()) e["command"] = c.command;
  if (!c.allocations_unavailable.empty()) e["allocations_unavailable"] = c.allocations_unavailable;
  if (!c.gbench.is_null()) e["gbench"] = c.gbench;
  if (!c.memory_unavailable.empty()) e["memory_unavailable"] = c.memory_unavailable;
  if (c.budget) e["budget"] = budget_json(*c.budget);
  for (auto it = c.unknown.begin(); it != c.unknown.end(); ++it)
    if (!e.contains(it.key())) e[it.key()] = it.value();
  return e;
}

json scaling_json(const ScalingFit& s) {
  json pts = json::array();
  for (const auto& [x, y] : s.points) pts.push_back({x, y});
  json j = {{"workload", s.workload}, {"strategy", s.strategy}, {"allocator", s.allocator},
            {"metric", s.metric},     {"points", pts},           {"slope", s.slope},
            {"intercept", s.intercept}, {"r2", s.r2},            {"class", s.complexity}};
  if (!s.declared.empty()) j["declared_class"] = s.declared;
  return j;
}

}  // namespace

json to_json(const Report& r) {
  json results = json::array();
  for (const CaseResult& c : r.results) results.push_back(case_json(c));
  json scaling = json::array();
  for (const ScalingFit& s : r.scaling) scaling.push_back(scaling_json(s));
  // Always the current version: a version 1 report read in is held in the
  // current model (its timed run as one process).
  return {{"schema", kSchema}, {"context", r.context}, {"results", results}, {"scaling", scaling}};
}

// ---- reading ----------------------------------------------------------------
// What is required and what is tolerated: docs/report-format.md, "Reading".

namespace {

class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}
  const std::string& source() const { return source_; }

  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw ReportError(source_ + ": " + where + ": " + what);
  }

  const json& member(const json& obj, const std::string& where, const char* key) const {
    if (!obj.is_object()) fail(where, "is not an object");
    auto it = obj.find(key);
    if (it == obj.end()) fail(where, std::string("missing field '") + key + "'");
    return *it;
  }

  std::string str(const json& obj, const std::string& where, const char* key) const {
    const json& v = member(obj, where, key);
    if (!v.is_string()) fail(where + "." + key, "is not a string");
    return v.get<std::string>();
  }

  double number(const json& v, const std::string& where) const {
    if (!v.is_number()) fail(where, "is not a number");
    double d = v.get<double>();
    if (!std::isfinite(d)) fail(where, "is not finite");
    if (d < 0) fail(where, "is negative");
    return d;
  }

  double num(const json& obj, const std::string& where, const char* key) const {
    return number(member(obj, where, key), where + "." + key);
  }

  std::uint64_t u64(const json& obj, const std::string& where, const char* key) const {
    const json& v = member(obj, where, key);
    if (v.is_number_unsigned()) return v.get<std::uint64_t>();
    if (v.is_number_integer() && v.get<std::int64_t>() >= 0) return v.get<std::uint64_t>();
    if (v.is_number_float()) {
      double d = number(v, where + "." + key);
      if (d == std::floor(d) && d < 1.8e19) return static_cast<std::uint64_t>(d);
    }
    if (v.is_null()) fail(where + "." + key, "is null (NaN or missing figure)");
    fail(where + "." + key, "is not a non-negative integer");
  }

  std::uint64_t u64_or(const json& obj, const std::string& where, const char* key,
                       std::uint64_t fallback) const {
    return obj.contains(key) ? u64(obj, where, key) : fallback;
  }

  std::vector<double> doubles(const json& obj, const std::string& where, const char* key) const {
    const json& v = member(obj, where, key);
    if (!v.is_array()) fail(where + "." + key, "is not an array");
    std::vector<double> out;
    for (std::size_t i = 0; i < v.size(); ++i)
      out.push_back(number(v[i], where + "." + key + "[" + std::to_string(i) + "]"));
    return out;
  }

  std::vector<std::uint64_t> u64s(const json& obj, const std::string& where,
                                  const char* key) const {
    std::vector<std::uint64_t> out;
    if (!obj.contains(key)) return out;
    const json& v = member(obj, where, key);
    if (!v.is_array()) fail(where + "." + key, "is not an array");
    for (std::size_t i = 0; i < v.size(); ++i) {
      std::string at = where + "." + key + "[" + std::to_string(i) + "]";
      const json& e = v[i];
      if (e.is_number_unsigned()) out.push_back(e.get<std::uint64_t>());
      else if (e.is_number_integer() && e.get<std::int64_t>() >= 0) out.push_back(e.get<std::uint64_t>());
      else if (double d = number(e, at); d == std::floor(d) && d < 1.8e19) out.push_back(static_cast<std::uint64_t>(d));
      else fail(at, "is not a non-negative integer");
    }
    return out;
  }

 private:
  std::string source_;
};

}  // namespace

namespace {

TimeStats read_time(const Reader& rd, const json& t, const std::string& w, int version) {
  TimeStats ts;
  std::uint64_t repetitions = rd.u64(t, w, "repetitions");
  if (repetitions > 1000000000) rd.fail(w + ".repetitions", "is out of range");
  ts.repetitions = static_cast<int>(repetitions);
  ts.iterations = rd.u64_or(t, w, "iterations", 0);
  ts.real_ns = rd.doubles(t, w, "real_ns");
  ts.cpu_ns = rd.doubles(t, w, "cpu_ns");
  ts.median_real_ns = rd.num(t, w, "median_real_ns");
  ts.cv = rd.num(t, w, "cv");
  if (version == 1) {
    ts.per_process.push_back({ts.real_ns, ts.cpu_ns, ts.iterations});
  } else {
    const json& procs = rd.member(t, w, "per_process");
    if (!procs.is_array()) rd.fail(w + ".per_process", "is not an array");
    std::size_t pooled = 0;
    for (std::size_t k = 0; k < procs.size(); ++k) {
      std::string pw = w + ".per_process[" + std::to_string(k) + "]";
      ProcessSamples ps;
      ps.real_ns = rd.doubles(procs[k], pw, "real_ns");
      ps.cpu_ns = rd.doubles(procs[k], pw, "cpu_ns");
      ps.iterations = rd.u64_or(procs[k], pw, "iterations", 0);
      pooled += ps.real_ns.size();
      ts.per_process.push_back(std::move(ps));
    }
    if (pooled != ts.real_ns.size())
      rd.fail(w + ".per_process", "holds " + std::to_string(pooled) + " repetitions, real_ns " +
                                      std::to_string(ts.real_ns.size()));
    if (t.contains("cpu_clock")) {
      ts.cpu_clock = rd.str(t, w, "cpu_clock");
      if (ts.cpu_clock != "process" && ts.cpu_clock != "children" && ts.cpu_clock != "gbench")
        rd.fail(w + ".cpu_clock", "is not \"process\", \"children\" or \"gbench\"");
    }
    if (t.contains("warmup") && t["warmup"].is_object() && t["warmup"].contains("min_seconds"))
      ts.warmup_seconds = rd.num(t["warmup"], w + ".warmup", "min_seconds");
  }
  return ts;
}

MemoryStats read_memory(const Reader& rd, const json& m, const std::string& w) {
  MemoryStats ms;
  ms.baseline_rss_bytes = rd.u64(m, w, "baseline_rss_bytes");
  ms.peak_rss_bytes = rd.u64(m, w, "peak_rss_bytes");
  ms.peak_rss_delta_bytes = rd.u64(m, w, "peak_rss_delta_bytes");
  ms.peak_anon_bytes = rd.u64(m, w, "peak_anon_bytes");
  ms.peak_file_bytes = rd.u64(m, w, "peak_file_bytes");
  ms.peak_shmem_bytes = rd.u64(m, w, "peak_shmem_bytes");
  ms.baseline_anon_bytes = rd.u64_or(m, w, "baseline_anon_bytes", 0);
  ms.baseline_file_bytes = rd.u64_or(m, w, "baseline_file_bytes", 0);
  ms.baseline_shmem_bytes = rd.u64_or(m, w, "baseline_shmem_bytes", 0);
  ms.minor_faults = rd.u64(m, w, "minor_faults");
  ms.major_faults = rd.u64(m, w, "major_faults");
  ms.samples = rd.u64_or(m, w, "samples", 0);
  ms.peak_rss_sampled_bytes = rd.u64_or(m, w, "peak_rss_sampled_bytes", 0);
  return ms;
}

Allocations read_allocations(const Reader& rd, const json& a, const std::string& w) {
  Allocations al;
  track::for_each_allocation_total(
      [&](const track::AllocationField& f, std::uint64_t& value) {
        const bool required = f.when_read == track::WhenRead::required;
        value = required ? rd.u64(a, w, f.report_key) : rd.u64_or(a, w, f.report_key, 0);
      },
      al);
  al.iterations = rd.u64_or(a, w, "iterations", 0);
  if (a.contains("sites")) al.sites = sites_from_json(a["sites"], rd.source(), w + ".sites", al);
  return al;
}

Timeline read_timeline(const Reader& rd, const json& t, const std::string& w) {
  Timeline tl;
  tl.interval_ms = rd.num(t, w, "interval_ms");
  tl.rss_bytes = rd.u64s(t, w, "rss_bytes");
  tl.anon_bytes = rd.u64s(t, w, "anon_bytes");
  tl.file_bytes = rd.u64s(t, w, "file_bytes");
  return tl;
}

BudgetOutcome read_budget(const Reader& rd, const json& b, const std::string& w) {
  BudgetOutcome out;
  const json& checks = rd.member(b, w, "checks");
  if (!checks.is_array()) rd.fail(w + ".checks", "is not an array");
  for (const json& k : checks) {
    BudgetCheck check;
    check.metric = rd.str(k, w + ".checks", "metric");
    check.op = rd.str(k, w + ".checks", "op");
    if (check.op != "<=" && check.op != ">=") rd.fail(w + ".checks", "op '" + check.op + "' is not <= or >=");
    check.limit = rd.num(k, w + ".checks", "limit");
    const json& value = rd.member(k, w + ".checks", "value");
    if (!value.is_null()) check.value = rd.number(value, w + ".checks.value");
    check.source = rd.str(k, w + ".checks", "source");
    const json& over = rd.member(k, w + ".checks", "over");
    if (!over.is_boolean()) rd.fail(w + ".checks.over", "is not true or false");
    check.over = over.get<bool>();
    out.checks.push_back(std::move(check));
  }
  if (b.contains("leaks")) {
    if (!b["leaks"].is_array()) rd.fail(w + ".leaks", "is not an array");
    for (const json& l : b["leaks"]) {
      LeakEntry leak{rd.str(l, w + ".leaks", "site"), rd.u64(l, w + ".leaks", "bytes"), ""};
      if (l.contains("suppressed_by")) leak.suppressed_by = rd.str(l, w + ".leaks", "suppressed_by");
      out.leaks.push_back(std::move(leak));
    }
  }
  // The verdict is written for readers; it must agree with the checks.
  if (rd.str(b, w, "verdict") != (out.over() ? "over budget" : "within budget"))
    rd.fail(w + ".verdict", "disagrees with the checks");
  return out;
}

// One case, its id already read (and known to be unique).
CaseResult read_case(const Reader& rd, const json& e, std::string at, int version) {
  CaseResult c;
  c.id = rd.str(e, at, "id");
  at = "case " + c.id;
  c.workload = rd.str(e, at, "workload");
  c.strategy = rd.str(e, at, "strategy");
  c.dataset = rd.str(e, at, "dataset");
  c.allocator = rd.str(e, at, "allocator");
  if (c.id != case_id(c.workload, c.strategy, c.dataset, c.allocator))
    rd.fail(at, "id does not match workload/strategy/dataset/allocator");
  std::string status = rd.str(e, at, "status");
  auto st = status_from_string(status);
  if (!st) rd.fail(at + ".status", "unknown status '" + status + "'");
  c.status = *st;
  if (e.contains("error") && e["error"].is_string()) c.error = e["error"].get<std::string>();
  if (e.contains("params")) {
    const json& p = e["params"];
    if (!p.is_object()) rd.fail(at + ".params", "is not an object");
    for (auto it = p.begin(); it != p.end(); ++it) {
      if (!it.value().is_number_integer()) rd.fail(at + ".params." + it.key(), "is not an integer");
      c.params.emplace_back(it.key(), it.value().get<std::int64_t>());
    }
  }
  c.input_bytes = rd.u64_or(e, at, "input_bytes", 0);
  c.input_items = rd.u64_or(e, at, "input_items", 0);
  if (e.contains("output_digest") && e["output_digest"].is_string())
    c.output_digest = e["output_digest"].get<std::string>();
  if (e.contains("time")) c.time = read_time(rd, e["time"], at + ".time", version);
  if (e.contains("throughput")) {
    const json& t = e["throughput"];
    Throughput tp;
    tp.bytes_per_second = rd.num(t, at + ".throughput", "bytes_per_second");
    if (t.contains("items_per_second"))
      tp.items_per_second = rd.num(t, at + ".throughput", "items_per_second");
    c.throughput = tp;
  }
  if (e.contains("memory")) c.memory = read_memory(rd, e["memory"], at + ".memory");
  if (e.contains("allocations")) c.allocations = read_allocations(rd, e["allocations"], at + ".allocations");
  if (e.contains("timeline")) c.timeline = read_timeline(rd, e["timeline"], at + ".timeline");
  if (e.contains("allocator_stats")) c.allocator_stats = e["allocator_stats"];
  if (e.contains("heaptrack")) c.heaptrack = e["heaptrack"];
  if (e.contains("cachegrind")) {
    const json& g = e["cachegrind"];
    std::string w = at + ".cachegrind";
    c.cachegrind = CpuCost{rd.u64(g, w, "instructions"), rd.u64(g, w, "d1_misses"), rd.u64(g, w, "ll_misses"), {}};
    if (g.contains("estimated_cycles")) c.cachegrind->estimated_cycles = rd.u64(g, w, "estimated_cycles");
  }
  if (e.contains("extra")) c.extra = e["extra"];
  if (e.contains("command")) {
    if (!e["command"].is_object()) rd.fail(at + ".command", "is not an object");
    c.command = e["command"];
  }
  if (e.contains("allocations_unavailable")) c.allocations_unavailable = rd.str(e, at, "allocations_unavailable");
  if (e.contains("gbench")) {
    if (!e["gbench"].is_object()) rd.fail(at + ".gbench", "is not an object");
    c.gbench = e["gbench"];
  }
  if (e.contains("memory_unavailable")) c.memory_unavailable = rd.str(e, at, "memory_unavailable");
  if (e.contains("budget")) c.budget = read_budget(rd, e["budget"], at + ".budget");
  static const char* const known[] = {"id", "workload", "strategy", "dataset", "allocator", "params", "status",
                                      "error", "input_bytes", "input_items", "output_digest", "time",
                                      "throughput", "memory", "allocations", "timeline", "allocator_stats",
                                      "heaptrack", "cachegrind", "extra", "command", "allocations_unavailable",
                                      "gbench", "memory_unavailable", "budget"};
  for (auto it = e.begin(); it != e.end(); ++it)
    if (std::find(std::begin(known), std::end(known), it.key()) == std::end(known)) c.unknown[it.key()] = it.value();
  return c;
}

ScalingFit read_scaling_fit(const Reader& rd, const json& e, const std::string& at) {
  ScalingFit f;
  f.workload = rd.str(e, at, "workload");
  f.strategy = rd.str(e, at, "strategy");
  f.allocator = rd.str(e, at, "allocator");
  f.metric = rd.str(e, at, "metric");
  const json& pts = rd.member(e, at, "points");
  if (!pts.is_array()) rd.fail(at + ".points", "is not an array");
  for (const json& p : pts) {
    if (!p.is_array() || p.size() != 2) rd.fail(at + ".points", "holds a non-pair");
    f.points.emplace_back(rd.number(p[0], at + ".points"), rd.number(p[1], at + ".points"));
  }
  const json& slope = rd.member(e, at, "slope");
  const json& intercept = rd.member(e, at, "intercept");
  if (!slope.is_number() || !intercept.is_number()) rd.fail(at, "slope/intercept not numbers");
  if (!std::isfinite(slope.get<double>()) || !std::isfinite(intercept.get<double>()))
    rd.fail(at, "slope/intercept not finite");
  f.slope = slope.get<double>();
  f.intercept = intercept.get<double>();
  if (e.contains("r2") && e["r2"].is_number()) {
    f.r2 = e["r2"].get<double>();
    if (!std::isfinite(f.r2)) rd.fail(at + ".r2", "is not finite");
  }
  f.complexity = rd.str(e, at, "class");
  if (e.contains("declared_class")) f.declared = rd.str(e, at, "declared_class");
  return f;
}

}  // namespace

Report from_json(const json& j, const std::string& source) {
  Reader rd(source);
  if (!j.is_object()) rd.fail("top level", "is not a JSON object (not a membench report)");
  if (!j.contains("schema")) rd.fail("top level", "has no 'schema' (not a membench report)");
  Report r;
  r.schema = rd.str(j, "top level", "schema");
  if (r.schema != kSchema && r.schema != kSchemaV1)
    rd.fail("schema", "'" + r.schema + "' is not supported (expected '" + kSchema + "' or '" + kSchemaV1 + "')");
  const int version = r.schema == kSchemaV1 ? 1 : 2;
  r.context = rd.member(j, "top level", "context");
  if (!r.context.is_object()) rd.fail("context", "is not an object");
  const json& results = rd.member(j, "top level", "results");
  if (!results.is_array()) rd.fail("results", "is not an array");
  // Every reader matches cases by id (compare, merge, the renderers): one id
  // twice would be judged or shown against whichever came first.
  std::map<std::string, std::size_t> first_at;
  for (std::size_t i = 0; i < results.size(); ++i) {
    std::string at = "results[" + std::to_string(i) + "]";
    std::string id = rd.str(results[i], at, "id");
    if (auto [it, fresh] = first_at.emplace(id, i); !fresh)
      rd.fail(at, "case id '" + id + "' appears twice (first at results[" + std::to_string(it->second) + "])");
    r.results.push_back(read_case(rd, results[i], at, version));
  }
  if (j.contains("scaling")) {
    const json& sc = j["scaling"];
    if (!sc.is_array()) rd.fail("scaling", "is not an array");
    for (std::size_t i = 0; i < sc.size(); ++i)
      r.scaling.push_back(read_scaling_fit(rd, sc[i], "scaling[" + std::to_string(i) + "]"));
  }
  return r;
}

Report read_report_file(const std::string& path) {
  // Regular files of at most kMaxReportFileBytes only (docs/report-format.md,
  // "Reading"): a FIFO or /dev/zero would otherwise be read forever.
  std::string text;
  try {
    text = read_regular_file(path, "report", kMaxReportFileBytes);
  } catch (const InputFileError& e) {
    throw ReportError(e.what());
  }
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) throw ReportError(path + ": not valid JSON (not a membench report)");
  return from_json(j, path);
}

void write_report_file(const Report& report, const std::string& path) {
  write_file_atomically(path, to_json(report).dump(1, ' ', false, json::error_handler_t::replace) + "\n");
}

std::string context_text(const json& context, std::initializer_list<const char*> keys) {
  if (!context.is_object()) return "";
  for (const char* key : keys) {
    auto it = context.find(key);
    if (it == context.end() || it->is_null()) continue;
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number() || it->is_boolean()) return it->dump();
    if (it->is_array()) {
      std::string s;
      for (const json& part : *it) {
        if (!s.empty()) s += ' ';
        s += part.is_string() ? part.get<std::string>() : part.dump();
      }
      return s;
    }
    return it->dump();
  }
  return "";
}

json budget_to_json(const BudgetOutcome& budget) { return budget_json(budget); }

}  // namespace membench::report
