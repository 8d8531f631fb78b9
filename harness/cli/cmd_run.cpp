// membench run: plans the cases, runs each isolated, writes the report.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "analyze/budgets.h"
#include "cli/budget_options.h"
#include "cli/command.h"
#include "cli/output_checks.h"
#include "cli/output_formats.h"
#include "datasets/dataset.h"
#include "render/terminal.h"
#include "cli/site_stacks.h"
#include "report/json.h"
#include "report/sites.h"
#include "runner/allocators.h"
#include "runner/cachegrind.h"
#include "runner/child_process.h"
#include "runner/command_case.h"
#include "runner/gbench.h"
#include "runner/heaptrack.h"
#include "runner/plan.h"
#include "runner/runner.h"

namespace membench::cli {
namespace {

void parse_shard(const std::string& text, runner::RunOptions& o) {
  int i = 0, n = 0;
  char extra = 0;
  if (std::sscanf(text.c_str(), "%d/%d%c", &i, &n, &extra) != 2 || n < 1 || i < 1 || i > n || n > 10000)
    throw UsageError("--shard '" + text + "' must be I/N with 1 <= I <= N (e.g. 1/4)");
  o.shard_index = i;
  o.shard_count = n;
}


// Splits "a,b,c", for the list options.
std::vector<std::string> comma_list(const std::string& text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  for (;;) {
    std::size_t comma = text.find(',', start);
    items.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return items;
    start = comma + 1;
  }
}

std::vector<std::string> parse_allocators(const std::string& text) {
  std::vector<std::string> names;
  if (text == "all") {
    for (const runner::AllocatorDef& a : runner::known_allocators())
      if (runner::allocator_installed(a)) names.push_back(a.name);
    return names;
  }
  for (const std::string& name : comma_list(text)) {
    const runner::AllocatorDef* def = runner::find_allocator(name);
    if (!def) throw UsageError("--allocator '" + name + "' must be one of " + runner::allocator_names() + " or all");
    if (!runner::allocator_installed(*def))
      throw UsageError("--allocator " + name + ": not installed (apt-get install " + def->package + ")");
    // Named twice, it runs once: two cases with one id make a report no reader accepts.
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  return names;
}

void add_run_options(ArgParser& p) {
  p.option("filter", "regular expression matched against case ids (workload/strategy/dataset/allocator)")
      .option("dataset", "dataset NAME or a PATH to your own file", true)
      .option("allocator", "glibc (default), jemalloc, tcmalloc, mimalloc, a comma list, or all (every one installed)")
      .option("processes", "fresh timed processes per case (default " + std::to_string(runner::kDefaultProcesses) + ")")
      .option("repetitions", "timed repetitions per process (default " + std::to_string(runner::kDefaultRepetitions) + ")")
      .option("min-time", "minimum seconds per timed repetition (default 0.05)")
      .option("warmup", "seconds each timed process runs the case untimed first (default 0.05; 0: none)")
      .option("phases", "which runs to make: a comma list of memory, count, time (default all three)")
      .flag("quick", "small datasets only")
      .flag("scale", "every size of each workload's generated datasets (memory against input size)")
      .option("out", "report JSON path (default membench-report.json)");
  add_output_options(p);
  add_budget_options(p);
  p.option("shard", "run only shard I of N of the cases (I/N), for CI matrices")
      .option("timeout", "seconds per case, all runs together (default 600)")
      .option("memory-limit", "per-case limit of private writable memory (RLIMIT_DATA), e.g. 512MiB")
      .option("sample-interval", "milliseconds between outside RSS samples (default 1)")
      .flag("cold", "drop the dataset from the page cache before each run (cold I/O)")
      .option("sites", "allocation sites kept per ranking (by count, bytes, share of the peak) in the report (default 10; 0: none recorded)")
      .flag("heaptrack", "also run each case under heaptrack; recordings go beside the report")
      .flag("cachegrind", "also count each strategy call's (with --gbench: one warm iteration of the loop's) instructions and simulated cache misses (Valgrind; exact, slow)")
      .option("command", "'NAME=CMD ARGS...': measure this program as strategy NAME (repeatable; the first is the "
                         "reference). {input} is the dataset's path; without it the dataset is its stdin", true)
      .option("gbench", "PATH: measure each benchmark of this Google Benchmark executable as a case, in processes "
                        "of its own (repeatable; docs/gbench.md)", true)
      .option("gbench-arg", "an option given to every run of the --gbench executables, e.g. "
                            "--gbench-arg=--benchmark_perf_counters=CYCLES (repeatable)", true)
      .option("workload", "the commands' workload name (default command), or the only --gbench executable's "
                          "(default its file name)")
      .flag("shell", "run each --command with sh -c (pipelines; the shell is then measured too)")
      .flag("ignore-output", "the commands' outputs differ on purpose: do not compare their stdout digests");
}

void check_tools(const runner::RunOptions& o) {
  if (o.cachegrind) {
    if (runner::valgrind_program().empty()) throw UsageError("--cachegrind: valgrind is not installed (apt-get install valgrind)");
    if (runner::sanitizer_build()) throw UsageError("--cachegrind: not available in a sanitizer build");
  }
  if (o.heaptrack) {
    if (runner::heaptrack_program().empty()) throw UsageError("--heaptrack: heaptrack is not installed (apt-get install heaptrack)");
    if (runner::sanitizer_build())
      throw UsageError("--heaptrack: not available in a sanitizer build (heaptrack's preloaded library cannot come before the sanitizer's runtime)");
  }
}

void parse_phases(const std::string& text, runner::RunOptions& o) {
  o.run_memory = o.run_count = o.run_time = false;
  for (const std::string& name : comma_list(text)) {
    if (name == "memory") o.run_memory = true;
    else if (name == "count") o.run_count = true;
    else if (name == "time") o.run_time = true;
    else throw UsageError("--phases '" + text + "': '" + name + "' is not one of memory, count, time");
  }
}

// run --gbench: each executable's benchmarks, listed now.
void parse_gbench_options(const ArgParser& p, runner::RunOptions& o) {
  const std::vector<std::string> paths = p.values("gbench");
  if (paths.empty()) {
    if (p.has("gbench-arg")) throw UsageError("--gbench-arg applies to --gbench only");
    return;
  }
  for (const char* other : {"command", "dataset", "scale", "quick", "shell", "ignore-output"})
    if (p.has(other)) throw UsageError(std::string("--") + other + " does not apply to --gbench cases (a benchmark makes its own input)");
  if (runner::launcher_program().empty())
    throw UsageError("--gbench: membench-launch is missing beside the membench executable (rebuild or reinstall)");
  o.gbench = runner::load_gbench_suites(paths, p.values("gbench-arg"), p.value("workload").value_or(""),
                                        std::min(o.timeout_seconds, 120.0));
}

// run --command: the commands' workload.
void parse_command_options(const ArgParser& p, runner::RunOptions& o) {
  std::vector<std::string> commands = p.values("command");
  if (p.has("gbench")) return;  // parse_gbench_options
  if (commands.empty()) {
    for (const char* only : {"workload", "shell", "ignore-output"})
      if (p.has(only)) throw UsageError(std::string("--") + only + " applies to --command only");
    return;
  }
  o.commands = runner::parse_commands(commands, p.value("workload").value_or(runner::kDefaultCommandWorkload),
                                      p.has("shell"), p.has("ignore-output"));
  if (runner::launcher_program().empty())
    throw UsageError("--command: membench-launch is missing beside the membench executable (rebuild or reinstall)");
}

runner::RunOptions run_options(const ArgParser& p, const std::vector<std::string>& args) {
  runner::RunOptions o;
  o.filter = p.value("filter").value_or("");
  o.datasets = p.values("dataset");
  o.allocators = parse_allocators(p.value("allocator").value_or("glibc"));
  o.processes = static_cast<int>(p.integer("processes", 1, 1000).value_or(runner::kDefaultProcesses));
  o.repetitions = static_cast<int>(p.integer("repetitions", 1, 1000).value_or(runner::kDefaultRepetitions));
  o.min_time_seconds = p.number("min-time", 0.001, 60).value_or(0.05);
  o.warmup_seconds = p.number("warmup", 0, 60).value_or(0.05);
  if (auto phases = p.value("phases")) parse_phases(*phases, o);
  o.quick = p.has("quick");
  o.scale = p.has("scale");
  if (o.scale && !o.datasets.empty()) throw UsageError("--scale chooses the datasets itself; drop --dataset");
  o.timeout_seconds = p.number("timeout", 0.01, 86400).value_or(600);
  o.sample_interval_ms = p.number("sample-interval", 0.1, 1000).value_or(1.0);
  if (auto lim = p.value("memory-limit")) {
    auto bytes = parse_size(*lim);
    if (!bytes || *bytes < (1u << 20)) throw UsageError("--memory-limit '" + *lim + "' must be a size of at least 1MiB (e.g. 512MiB)");
    o.memory_limit = *bytes;
  }
  o.cold = p.has("cold");
  o.sites_top = static_cast<std::uint32_t>(p.integer("sites", 0, 100000).value_or(report::kDefaultSitesTop));
  o.heaptrack = p.has("heaptrack");
  o.cachegrind = p.has("cachegrind");
  check_tools(o);
  if (auto s = p.value("shard")) parse_shard(*s, o);
  parse_command_options(p, o);
  parse_gbench_options(p, o);
  o.command_line = {"membench", "run"};
  o.command_line.insert(o.command_line.end(), args.begin(), args.end());
  return o;
}

runner::Progress terminal_progress(bool tty) {
  runner::Progress progress;
  progress.starting = [tty](std::size_t i, std::size_t n, const runner::PlannedCase& c) {
    if (tty) std::fprintf(stderr, "\r\033[K[%zu/%zu] %s …", i + 1, n, c.id().c_str());
  };
  progress.finished = [tty](std::size_t i, std::size_t n, const report::CaseResult& r) {
    std::fprintf(stderr, "%s[%zu/%zu] %s %s\n", tty ? "\r\033[K" : "", i + 1, n, r.id.c_str(),
                 render::case_summary(r).c_str());
    if (r.heaptrack.contains("disagreement"))
      std::fprintf(stderr, "  heaptrack disagrees: %s\n", r.heaptrack["disagreement"].get<std::string>().c_str());
    if (r.heaptrack.contains("error"))
      std::fprintf(stderr, "  heaptrack failed: %s\n", r.heaptrack["error"].get<std::string>().c_str());
  };
  return progress;
}

void warn_about_changed_datasets(const report::Report& rep) {
  const nlohmann::json datasets = rep.context.value("datasets", nlohmann::json::object());
  for (const auto& [name, d] : datasets.items())
    if (d.is_object() && d.value("changed_during_run", false))
      std::fprintf(stderr, "membench: warning: dataset %s changed during the run (%s -> %s bytes); its cases read it as they found it\n",
                   name.c_str(), d["bytes_at_start"].dump().c_str(), d["bytes_at_end"].dump().c_str());
}

constexpr const char* kRunHelp =
    "\nEach case runs in fresh processes: a memory run (peak RSS, sampled from outside),\n"
    "a counting run (allocations, output digest) and --processes timed processes, each\n"
    "running the case untimed for --warmup seconds, then --repetitions Google Benchmark\n"
    "repetitions.\n"
    "With --command, each case is the command itself, run afresh for every run (word-split\n"
    "as sh does and exec'd directly unless --shell): peak RSS of its process tree, its\n"
    "allocations (libmembench_count.so preloaded), wall/user/sys time (--processes groups\n"
    "of --repetitions runs, after --warmup seconds of untimed runs), stdout's SHA-256.\n"
    "With --gbench, each benchmark of a Google Benchmark executable is a case (id\n"
    "EXECUTABLE/BENCHMARK/-/ALLOCATOR): its timed loop's peak RSS Δ and allocations per\n"
    "iteration (libmembench_count.so preloaded), Google Benchmark's own time from\n"
    "--processes fresh processes (docs/gbench.md).\n"
    "Exit: 0 all ok; 1 a case failed, timed out, ran out of memory, mismatched or\n"
    "is over budget (the report is still written); 2 bad usage.\n";

int run_main(const std::vector<std::string>& args) {
  ArgParser p("run", "[options]");
  add_run_options(p);
  p.parse(args);
  if (p.help_requested()) {
    std::printf("%s%s\n%s", p.help_text().c_str(), kRunHelp, analyze::budgets_format_help());
    return 0;
  }
  if (!p.positionals().empty()) throw UsageError("run: unexpected argument '" + p.positionals()[0] + "'");
  runner::RunOptions o = run_options(p, args);

  std::string out_path = p.value("out").value_or("membench-report.json");
  check_writable(out_path, "--out");
  RequestedOutputs outputs = requested_outputs(p, "run", false);
  // A --dataset that is not a registered name is a file the run reads.
  std::vector<NamedPath> dataset_files = budget_input_files(p);
  for (const std::string& d : o.datasets)
    if (!datasets::find_dataset(d)) dataset_files.push_back({"--dataset", d});
  for (const std::string& g : p.values("gbench")) dataset_files.push_back({"--gbench", g});
  std::vector<OutputArg> output_args = outputs.as_output_args();
  output_args.insert(output_args.begin(), {"--out", out_path});
  check_outputs("run", output_args, {}, dataset_files);
  outputs.check_writable();
  const std::optional<analyze::BudgetRules> budgets = budget_rules(p);
  if (o.heaptrack) {
    std::filesystem::path dir = std::filesystem::path(out_path).parent_path();
    o.heaptrack_dir = std::filesystem::absolute(dir.empty() ? "." : dir).string();
  }

  std::vector<runner::PlannedCase> cases = runner::plan_cases(o);
  bool tty = ::isatty(2);
  runner::materialise_datasets(cases, [&](const std::string& name) {
    if (tty) std::fprintf(stderr, "\r\033[Kpreparing dataset %s", name.c_str());
  });
  if (tty) std::fprintf(stderr, "\r\033[K");
  runner::install_interrupt_handlers();
  report::Report rep;
  try {
    rep = runner::run_cases(cases, o, terminal_progress(tty));
  } catch (const runner::Interrupted& e) {
    std::fprintf(stderr, "%smembench: interrupted by %s; no report written\n", tty ? "\r\033[K" : "",
                 runner::describe_signal(e.signal).c_str());
    return 128 + e.signal;
  }
  warn_about_changed_datasets(rep);
  // Judged before writing: the report, its pages and the table carry the verdicts.
  const int over_budget = budgets ? analyze::judge_budgets(rep, *budgets) : 0;
  if (o.sites_top > 0) write_site_stacks(rep, out_path, o.sites_top);
  report::write_report_file(rep, out_path);
  std::vector<std::string> written = outputs.write({rep});
  std::printf("%s", render::summary_table(rep).c_str());
  std::fflush(stdout);  // the table before the closing line on stderr, also when both go to one file
  std::string listed = out_path;
  for (const std::string& path : written) listed += ", " + path;
  std::fprintf(stderr, "report: %s\n", listed.c_str());
  for (const report::CaseResult& r : rep.results)
    if (r.status != report::Status::ok && r.status != report::Status::skipped) return 1;
  return over_budget > 0 ? 1 : 0;
}

}  // namespace

MEMBENCH_COMMAND(run, "run", "run the selected cases, each isolated, and write a report", run_main, false);

}  // namespace membench::cli
