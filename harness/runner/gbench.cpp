// run --gbench: listing a Google Benchmark executable's benchmarks, the
// options passed through to it, and reading what its runs leave behind (the
// preloaded library's window lines, Google Benchmark's JSON). docs/gbench.md.
#include "runner/gbench.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "runner/ab.h"
#include "runner/runner.h"
#include "util/args.h"
#include "util/shell.h"

namespace membench::runner {
namespace {

namespace fs = std::filesystem;

// Options membench sets itself, or that would change what is measured.
struct RefusedOption {
  const char* name;
  const char* why;
};
constexpr RefusedOption kRefused[] = {
    {"--benchmark_filter", "membench runs each benchmark on its own; choose cases with --filter"},
    {"--benchmark_list_tests", "membench lists the benchmarks itself"},
    {"--benchmark_format", "membench reads Google Benchmark's JSON output itself"},
    {"--benchmark_out", "membench reads Google Benchmark's JSON output itself"},
    {"--benchmark_out_format", "membench reads Google Benchmark's JSON output itself"},
    {"--benchmark_repetitions", "use membench's --repetitions (per process) and --processes"},
    {"--benchmark_min_time", "use membench's --min-time"},
    {"--benchmark_min_warmup_time", "use membench's --warmup"},
    {"--benchmark_report_aggregates_only", "membench needs every repetition"},
    {"--benchmark_display_aggregates_only", "membench needs every repetition"},
    {"--benchmark_enable_random_interleaving", "each process runs one benchmark; membench interleaves processes"},
};

bool valid_workload(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (unsigned char c : name)
    if (!std::isalnum(c) && c != '_' && c != '-' && c != '.' && c != '+') return false;
  return true;
}

std::string trimmed_last_line(const std::string& text) {
  std::string t = text;
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
  std::size_t nl = t.rfind('\n');
  t = nl == std::string::npos ? t : t.substr(nl + 1);
  return t.size() > 200 ? t.substr(0, 200) : t;
}

// PATH --benchmark_list_tests: one benchmark name per line.
std::vector<std::string> list_benchmarks(const std::string& exe, const std::vector<std::string>& args,
                                         double timeout_seconds) {
  std::string line = "timeout -s KILL " + std::to_string(static_cast<long>(std::ceil(timeout_seconds))) + " " +
                     shell_quote(exe) + " --benchmark_list_tests";
  for (const std::string& a : args) line.append(" ").append(shell_quote(a));
  const std::string errors = (fs::temp_directory_path() / ("membench-gbench-list." + std::to_string(::getpid()))).string();
  int status = 0;
  std::string out = shell_capture(line + " </dev/null 2>" + shell_quote(errors), &status);
  std::string err;
  {
    std::ifstream in(errors);
    std::ostringstream s;
    s << in.rdbuf();
    err = s.str();
  }
  std::error_code ec;
  fs::remove(errors, ec);
  const std::string what = "--gbench " + exe + ": ";
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string why = trimmed_last_line(err.empty() ? out : err);
    std::string how = WIFEXITED(status) ? "exited with code " + std::to_string(WEXITSTATUS(status))
                                        : "was killed (or ran past " + std::to_string(static_cast<long>(timeout_seconds)) + " s)";
    throw UsageError(what + "--benchmark_list_tests " + how + (why.empty() ? "" : ": " + why) +
                     " (not a Google Benchmark executable?)");
  }
  std::vector<std::string> names;
  std::set<std::string> seen;
  std::istringstream lines(out);
  for (std::string name; std::getline(lines, name);) {
    if (!name.empty() && name.back() == '\r') name.pop_back();
    if (name.empty()) continue;
    // Google Benchmark's names never begin with '-' nor hold a control
    // character; a program that echoes its arguments does.
    bool plain = name[0] != '-';
    for (unsigned char c : name) plain = plain && c >= 0x20 && c != 0x7f;
    if (!plain) throw UsageError(what + "listed '" + name.substr(0, 60) + "', not a benchmark name (not a Google Benchmark executable?)");
    if (seen.insert(name).second) names.push_back(name);
  }
  if (names.empty()) throw UsageError(what + "lists no benchmark (not a Google Benchmark executable, or none registered)");
  return names;
}

std::shared_ptr<GbenchSuite> make_suite(const std::string& exe, const std::vector<std::string>& args,
                                        const std::string& workload, const std::vector<std::string>& names) {
  auto suite = std::make_shared<GbenchSuite>();
  suite->executable = exe;
  suite->args = args;
  suite->set.workload_name = workload;
  suite->set.ignore_output = true;  // Google Benchmark prints its times
  for (const std::string& name : names) {
    CommandDef d;
    d.name = name;
    // Built in steps: g++ 12 warns falsely (-Wrestrict) on "literal" + std::string&&.
    std::string pattern = regex_escape(name);
    pattern.insert(pattern.begin(), '^');
    pattern.push_back('$');
    d.line = exe + " --benchmark_filter=" + shell_quote(pattern);
    d.words = {exe, std::string("--benchmark_filter=").append(pattern)};
    d.words.insert(d.words.end(), args.begin(), args.end());
    d.program = exe;
    suite->set.commands.push_back(std::move(d));
  }
  // Pointers into the deque's elements, which never move once added.
  for (CommandDef& d : suite->set.commands)
    d.strategy = Strategy{suite->set.workload_name.c_str(), d.name.c_str(), d.line.c_str(), Params{}, nullptr};
  suite->set.workload = Workload{.name = suite->set.workload_name.c_str(),
                                 .description = "Google Benchmark executable (run --gbench)",
                                 .input = InputKind::path,
                                 .dataset_kind = "",
                                 .reference_strategy = ""};
  return suite;
}

double to_ns(double value, const std::string& unit) {
  if (unit == "ns") return value;
  if (unit == "us") return value * 1e3;
  if (unit == "ms") return value * 1e6;
  if (unit == "s") return value * 1e9;
  throw std::runtime_error("Google Benchmark's output: unknown time_unit '" + unit + "'");
}

}  // namespace

std::string gbench_workload_name(const std::string& path) {
  std::string base = fs::path(path).filename().string(), name;
  for (unsigned char c : base) name += (std::isalnum(c) || c == '_' || c == '-' || c == '.' || c == '+') ? char(c) : '_';
  return name.substr(0, 64);
}

void check_gbench_args(const std::vector<std::string>& args) {
  for (const std::string& a : args) {
    const std::string name = a.substr(0, a.find('='));
    for (const RefusedOption& r : kRefused)
      if (name == r.name || name == std::string("-") + (r.name + 2))
        throw UsageError("--gbench-arg " + a + ": refused, " + r.why);
  }
}

std::vector<std::shared_ptr<const GbenchSuite>> load_gbench_suites(const std::vector<std::string>& paths,
                                                                   const std::vector<std::string>& args,
                                                                   const std::string& workload, double timeout_seconds) {
  check_gbench_args(args);
  if (!workload.empty() && paths.size() != 1)
    throw UsageError("--workload names the cases of one --gbench executable; with several, each is named after its file");
  if (!workload.empty() && !valid_workload(workload))
    throw UsageError("--workload '" + workload + "' must be 1-64 letters, digits, '_', '-', '.' or '+'");
  std::vector<std::shared_ptr<const GbenchSuite>> suites;
  std::set<std::string> names;
  for (const std::string& path : paths) {
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0) throw UsageError("--gbench " + path + ": no such file");
    if (!S_ISREG(st.st_mode) || ::access(path.c_str(), X_OK) != 0)
      throw UsageError("--gbench " + path + ": not an executable file");
    const std::string exe = fs::absolute(path).lexically_normal().string();
    const std::string name = workload.empty() ? gbench_workload_name(exe) : workload;
    if (!valid_workload(name))
      throw UsageError("--gbench " + path + ": its file name cannot name a workload; give --workload NAME");
    if (find_workload(name))
      throw UsageError("--gbench " + path + ": '" + name + "' is a built-in workload; give --workload NAME");
    if (!names.insert(name).second)
      throw UsageError("--gbench " + path + ": another executable is also named '" + name + "'; run them separately");
    suites.push_back(make_suite(exe, args, name, list_benchmarks(exe, args, timeout_seconds)));
  }
  return suites;
}

std::vector<GbenchRepetition> parse_gbench_json(const std::string& text, const std::string& benchmark) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("benchmarks") || !doc["benchmarks"].is_array())
    throw std::runtime_error("Google Benchmark wrote no JSON output (or cut short)");
  std::vector<GbenchRepetition> reps;
  for (const nlohmann::json& b : doc["benchmarks"]) {
    if (!b.is_object()) continue;
    const std::string name = b.value("run_name", b.value("name", ""));
    if (name != benchmark) continue;
    if (b.value("error_occurred", false))
      throw std::runtime_error("the benchmark reported an error: " + b.value("error_message", std::string("(no message)")));
    if (b.value("run_type", "iteration") != "iteration") continue;
    if (!b.contains("real_time") || !b["real_time"].is_number() || !b.contains("cpu_time") ||
        !b["cpu_time"].is_number() || !b.contains("iterations") || !b["iterations"].is_number_unsigned())
      throw std::runtime_error("Google Benchmark's output: a run of " + benchmark + " without real_time, cpu_time or iterations");
    const std::string unit = b.value("time_unit", "ns");
    GbenchRepetition rep{to_ns(b["real_time"].get<double>(), unit), to_ns(b["cpu_time"].get<double>(), unit),
                         b["iterations"].get<std::uint64_t>(), std::nullopt, std::nullopt};
    if (b.contains("bytes_per_second") && b["bytes_per_second"].is_number()) rep.bytes_per_second = b["bytes_per_second"].get<double>();
    if (b.contains("items_per_second") && b["items_per_second"].is_number()) rep.items_per_second = b["items_per_second"].get<double>();
    reps.push_back(rep);
  }
  if (reps.empty()) throw std::runtime_error("Google Benchmark ran no repetition of " + benchmark);
  return reps;
}

}  // namespace membench::runner
