#include "render/gbench_json.h"

#include <algorithm>
#include <cctype>
#include <span>
#include <vector>

#include <nlohmann/json.hpp>

#include "analyze/statistics.h"

namespace membench::render {

using nlohmann::json;

namespace {

// The first present context field, as given (the runner decides the names).
const json* context_field(const json& context, std::initializer_list<const char*> keys) {
  if (!context.is_object()) return nullptr;
  for (const char* key : keys) {
    auto it = context.find(key);
    if (it != context.end() && !it->is_null()) return &*it;
  }
  return nullptr;
}

std::vector<double> per_second(const std::vector<double>& ns, double amount) {
  std::vector<double> out;
  for (double t : ns) out.push_back(t > 0 ? amount / (t * 1e-9) : 0);
  return out;
}

// Google Benchmark's "context" object from the report's context.
json gbench_context(const json& report_context) {
  json context = json::object();
  auto copy = [&](const char* to, std::initializer_list<const char*> from, bool numeric) {
    const json* v = context_field(report_context, from);
    if (!v) return;
    if (numeric && v->is_string()) {
      try {
        context[to] = std::stoll(v->get<std::string>());
      } catch (const std::exception&) {
      }
      return;
    }
    if (!numeric || v->is_number()) context[to] = *v;
  };
  copy("date", {"created", "created_utc", "created_at", "date", "timestamp"}, false);
  copy("host_name", {"host", "hostname", "host_name"}, false);
  context["executable"] = "membench";
  copy("num_cpus", {"cores", "core_count", "num_cpus", "cpu_count", "cpus"}, true);
  copy("mhz_per_cpu", {"mhz_per_cpu", "cpu_mhz"}, true);
  if (const json* bt = context_field(report_context, {"build_type"}); bt && bt->is_string()) {
    std::string s = bt->get<std::string>();
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return std::tolower(ch); });
    context["library_build_type"] = s == "release" || s == "relwithdebinfo" || s == "minsizerel" ? "release" : "debug";
  }
  copy("membench_version", {"membench_version"}, false);
  copy("git_commit", {"git_commit"}, false);
  copy("cpu_model", {"cpu_model", "cpu"}, false);
  return context;
}

// One entry per repetition, then mean, median and stddev as Google Benchmark writes them.
void add_case(const report::CaseResult& c, std::int64_t family, json& benchmarks) {
  const report::TimeStats& t = *c.time;
  const std::vector<double>& real = t.real_ns;
  std::vector<double> cpu = t.cpu_ns.size() == real.size() ? t.cpu_ns : std::vector<double>();
  const auto n = static_cast<std::int64_t>(real.size());
  std::vector<double> bps = per_second(real, static_cast<double>(c.input_bytes));
  std::vector<double> ips = per_second(real, static_cast<double>(c.input_items));
  for (std::int64_t i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    json e = {{"name", c.id},
              {"family_index", family},
              {"per_family_instance_index", 0},
              {"run_name", c.id},
              {"run_type", "iteration"},
              {"repetitions", n},
              {"repetition_index", i},
              {"threads", 1},
              {"iterations", t.iterations},
              {"real_time", real[k]},
              {"cpu_time", cpu.empty() ? real[k] : cpu[k]},
              {"time_unit", "ns"}};
    if (c.input_bytes) e["bytes_per_second"] = bps[k];
    if (c.input_items) e["items_per_second"] = ips[k];
    benchmarks.push_back(std::move(e));
  }
  if (n < 2) return;
  struct Aggregate {
    const char* name;
    double (*fn)(std::span<const double>);
  };
  const Aggregate aggregates[] = {{"mean", stats::mean}, {"median", stats::median}, {"stddev", stats::stddev}};
  for (const Aggregate& a : aggregates) {
    json e = {{"name", c.id + "_" + a.name},
              {"family_index", family},
              {"per_family_instance_index", 0},
              {"run_name", c.id},
              {"run_type", "aggregate"},
              {"repetitions", n},
              {"threads", 1},
              {"aggregate_name", a.name},
              {"aggregate_unit", "time"},
              {"iterations", n},
              {"real_time", a.fn(real)},
              {"cpu_time", a.fn(cpu.empty() ? real : cpu)},
              {"time_unit", "ns"}};
    if (c.input_bytes) e["bytes_per_second"] = a.fn(bps);
    if (c.input_items) e["items_per_second"] = a.fn(ips);
    benchmarks.push_back(std::move(e));
  }
}

}  // namespace

std::string gbench_json(const report::Report& r) {
  json benchmarks = json::array();
  std::int64_t family = 0;
  for (const report::CaseResult& c : r.results) {
    if (c.status != report::Status::ok || !c.time || c.time->real_ns.empty()) continue;
    add_case(c, family++, benchmarks);
  }
  return json({{"context", gbench_context(r.context)}, {"benchmarks", benchmarks}}).dump(2) + "\n";
}

}  // namespace membench::render
