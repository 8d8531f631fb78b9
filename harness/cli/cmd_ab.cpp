// membench ab BASE HEAD [options]: before and after in one session, with the
// timed processes of the two builds interleaved and paired per case.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analyze/compare.h"
#include "analyze/paired_verdict.h"
#include "analyze/budgets.h"
#include "cli/budget_options.h"
#include "cli/command.h"
#include "cli/comparison_output.h"
#include "cli/output_checks.h"
#include "datasets/dataset.h"
#include "render/bmf_json.h"
#include "render/html.h"
#include "report/json.h"
#include "report/metrics.h"
#include "runner/ab.h"
#include "runner/child_process.h"
#include "runner/gbench.h"
#include "runner/realtime.h"
#include "util/atomic_file.h"

namespace membench::cli {
namespace {

namespace fs = std::filesystem;

// Many short timed processes rather than a few long ones: the spread between
// processes, not within one, is what widens a case's interval, and one
// process's warm-up and Google Benchmark's iteration search cost more than
// its timed window: 8 pairs of 10 ms windows cost less than 6 pairs of 50 ms
// did. More, in batches of 8 up to 40, only where a change is likely but not
// proven yet (docs/time-gate-loaded.md, "More, shorter timed processes").
constexpr int kDefaultPairs = 8;
constexpr int kDefaultBatches = 5;
constexpr const char* kDefaultTimedMinTime = "0.01";
constexpr const char* kDefaultTimedWarmup = "0.02";
// A timed process gives its pair the fastest of its repetitions (why: runner/ab.cpp).
constexpr const char* kDefaultTimedRepetitions = "3";
// A/A medians of paired differences stayed within 72 KiB on the quick suite;
// the relative part guards large cases, whose RSS varies by MiBs.
constexpr std::uint64_t kDefaultMinRss = 128 * 1024;
constexpr double kDefaultRssRelative = 0.01;

// A directory for the steps' reports, removed at the end unless the user
// asked to keep them.
class WorkDir {
 public:
  explicit WorkDir(const std::optional<std::string>& keep) {
    if (keep) {
      path_ = *keep;
      std::error_code ec;
      fs::create_directories(path_, ec);
      if (ec || !fs::is_directory(path_)) throw UsageError("--reports " + path_ + ": cannot create the directory");
      return;
    }
    std::string pattern = (fs::temp_directory_path() / "membench-ab.XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw UsageError("cannot create a temporary directory in " + fs::temp_directory_path().string());
    path_ = pattern;
    temporary_ = true;
  }
  ~WorkDir() {
    std::error_code ec;
    if (temporary_) fs::remove_all(path_, ec);
  }
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool temporary_ = false;
};

std::string default_build_cache() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  if (xdg && *xdg) return std::string(xdg) + "/membench/builds";
  return std::string(home && *home ? home : "/tmp") + "/.cache/membench/builds";
}

void add_ab_options(ArgParser& p) {
  p.option("filter", "regular expression matched against case ids (as for run)")
      .option("dataset", "dataset NAME or a PATH to your own file (as for run)", true)
      .option("allocator", "allocator(s), as for run")
      .flag("quick", "small datasets only")
      .option("shard", "only shard I of N of the cases (I/N), for CI matrices; each shard pairs on its own machine")
      .option("pairs", "timed processes per build and case, run in turn (default " + std::to_string(kDefaultPairs) + ")")
      .option("max-pairs", "a case whose time verdict more pairs could settle gets --pairs more, up to this many "
                           "(default " + std::to_string(kDefaultBatches) + " times --pairs; equal to --pairs: never more)")
      .option("repetitions", std::string("timed repetitions per process; the fastest is its time in the pair (default ") +
                                 kDefaultTimedRepetitions + ")")
      .option("min-time", std::string("minimum seconds per timed repetition (default ") + kDefaultTimedMinTime +
                              ", shorter than run's: many short processes)")
      .option("warmup", std::string("seconds each timed process runs the case untimed first (default ") +
                            kDefaultTimedWarmup + ")")
      .option("timeout", "seconds per case and run (default as for run)")
      .option("memory-limit", "per-case limit of private writable memory, e.g. 512MiB")
      .option("sample-interval", "milliseconds between outside RSS samples")
      .flag("cold", "drop the dataset from the page cache before each run")
      .flag("no-realtime", "time at normal priority (default: the timed processes run at real-time priority, "
                           "SCHED_RR 1, where this user may; docs/time-gate.md)")
      .flag("cachegrind", "also count each strategy call's (with --gbench: one warm iteration of the loop's) instructions, estimated cycles and cache misses under Valgrind, once per build (judged exactly)")
      .flag("gbench", "BASE and HEAD are two builds of a Google Benchmark executable, measured by this membench "
                      "(docs/gbench.md)")
      .option("gbench-arg", "an option given to every run of both --gbench executables, as for run", true)
      .option("command", "'NAME=CMD ARGS...': command cases, as for run", true)
      .option("workload", "the commands' workload name, as for run; with --gbench, both builds' (default HEAD's file name)")
      .flag("shell", "run each --command with sh -c, as for run")
      .flag("ignore-output", "do not compare the commands' stdout digests, as for run")
      .option("min-effect", "smallest time or throughput change that counts (default 0.05 = 5%)")
      .option("min-rss", "smallest peak RSS change that counts, e.g. 64KiB (default 128KiB, and 1%; judged on the pairs)")
      .option("thresholds", "per-metric and per-case thresholds (JSON, as for compare)")
      .option("out", "write the comparison as JSON")
      .option("markdown", "write a Markdown summary (for a pull-request comment)")
      .option("html", "write one self-contained HTML page")
      .option("bmf", "write HEAD's figures in the Bencher Metric Format (JSON; docs/budgets.md)")
      .option("reports", "keep the base and head reports (base.json, head.json) in this directory")
      .option("build-dir", "where git revisions are checked out and built (default ~/.cache/membench/builds)");
  add_budget_options(p);
}

analyze::Thresholds ab_thresholds(const ArgParser& p) {
  // Peak RSS is judged on paired memory runs, whose median difference is
  // steadier than one run per build (docs/ab.md, "Peak RSS is judged on
  // pairs too"): ab starts
  // from lower RSS thresholds than compare's. A thresholds file, then
  // --min-rss, can change them.
  std::optional<std::uint64_t> min_rss;
  if (auto text = p.value("min-rss")) {
    min_rss = parse_size(*text);
    if (!min_rss) throw UsageError("--min-rss '" + *text + "': expected a size such as 64KiB or 1MiB");
  }
  auto set_rss = [](analyze::Thresholds& t, std::optional<double> relative, double absolute) {
    for (auto& [name, value] : t.defaults)
      if (const analyze::MetricInfo* m = analyze::find_metric(name);
          m && m->kind == analyze::MetricKind::rss && !report::is_derived(*report::find_metric(name))) {
        if (relative) value.relative = *relative;
        value.absolute = absolute;
      }
  };
  analyze::Thresholds thresholds;
  set_rss(thresholds, kDefaultRssRelative, static_cast<double>(kDefaultMinRss));
  if (auto path = p.value("thresholds")) {
    try {
      thresholds = analyze::read_thresholds_file(*path, thresholds);
    } catch (const analyze::ThresholdError& e) {
      throw UsageError(e.what());
    }
  }
  if (min_rss) set_rss(thresholds, std::nullopt, static_cast<double>(*min_rss));
  if (auto effect = p.number("min-effect", 0, 10)) {
    for (auto& [name, t] : thresholds.defaults)
      if (const analyze::MetricInfo* m = analyze::find_metric(name);
          m && (m->kind == analyze::MetricKind::time || m->kind == analyze::MetricKind::throughput))
        t.relative = *effect;
  }
  return thresholds;
}

runner::AbOptions ab_options(const ArgParser& p) {
  runner::AbOptions o;
  o.pairs = static_cast<int>(p.integer("pairs", 2, 1000).value_or(kDefaultPairs));
  o.max_pairs = static_cast<int>(p.integer("max-pairs", 2, 10000).value_or(kDefaultBatches * o.pairs));
  if (o.max_pairs < o.pairs)
    throw UsageError("--max-pairs " + std::to_string(o.max_pairs) + " is under --pairs " + std::to_string(o.pairs));
  for (const char* name : {"filter", "allocator", "shard"})
    if (auto v = p.value(name)) o.selection.insert(o.selection.end(), {std::string("--") + name, *v});
  for (const std::string& d : p.values("dataset")) o.selection.insert(o.selection.end(), {"--dataset", d});
  if (p.has("quick")) o.selection.push_back("--quick");
  for (const char* name : {"repetitions", "min-time", "warmup", "timeout", "memory-limit"})
    if (auto v = p.value(name)) o.measurement.insert(o.measurement.end(), {std::string("--") + name, *v});
  o.sample_interval = p.value("sample-interval").value_or("");
  if (!p.value("repetitions")) o.measurement.insert(o.measurement.end(), {"--repetitions", kDefaultTimedRepetitions});
  if (!p.value("min-time")) o.measurement.insert(o.measurement.end(), {"--min-time", kDefaultTimedMinTime});
  if (!p.value("warmup")) o.measurement.insert(o.measurement.end(), {"--warmup", kDefaultTimedWarmup});
  if (p.has("cold")) o.measurement.push_back("--cold");
  if (p.has("cachegrind")) o.untimed_only.push_back("--cachegrind");
  // Command cases: the same commands for both builds, in every run of each.
  for (const std::string& c : p.values("command")) o.measurement.insert(o.measurement.end(), {"--command", c});
  if (auto w = p.value("workload"); w && !p.has("gbench")) o.measurement.insert(o.measurement.end(), {"--workload", *w});
  for (const char* name : {"shell", "ignore-output"})
    if (p.has(name)) o.measurement.push_back(std::string("--") + name);

  return o;
}

// Refuses an output that is one of the inputs (the builds, datasets, thresholds).
void check_ab_paths(const ArgParser& p, const std::string& base_spec, const std::string& head_spec) {
  std::vector<std::string> builds;
  // BASE and HEAD are inputs when they are executables (not git revisions).
  for (const std::string& spec : {base_spec, head_spec})
    if (std::error_code ec; fs::exists(spec, ec)) builds.push_back(spec);
  std::vector<NamedPath> read = budget_input_files(p);
  if (auto t = p.value("thresholds")) read.push_back({"--thresholds", *t});
  for (const std::string& d : p.values("dataset"))
    if (!datasets::find_dataset(d)) read.push_back({"--dataset", d});
  std::vector<OutputArg> written{{"--out", p.value("out")}, {"--markdown", p.value("markdown")}, {"--html", p.value("html")},
                                 {"--bmf", p.value("bmf")}};
  if (auto keep = p.value("reports"))
    for (const char* name : {"/base.json", "/head.json"}) written.push_back({"--reports", *keep + name});
  check_outputs("ab", written, builds, read);
}

void print_ab_help(const ArgParser& p) {
  std::printf("%s\nMeasures two builds of membench on this machine in one session. BASE and HEAD are\n"
              "membench executables or git revisions of the repository here (built once, Release,\n"
              "in a worktree under --build-dir). Each build makes its memory and counting runs;\n"
              "then each case's timed processes run base, head, head, base, ... --pairs times, each\n"
              "giving its pair the fastest of its --repetitions. Time is judged on the pairs: the\n"
              "median head/base ratio with its 95%% bootstrap interval and a Wilcoxon signed-rank\n"
              "test; the interval must clear the minimum effect and the case's noise floor (the\n"
              "spread of base against base). A case whose ratio lies beyond the minimum effect\n"
              "while its interval does not clear it yet gets --pairs more pairs, up to --max-pairs\n"
              "(after the first --pairs, also one whose interval reaches past twice the minimum\n"
              "effect). CPU time (every thread of the case process; a command's user + system\n"
              "time) is judged the same way beside real time, each with its own floor: real\n"
              "time decides when it shows a change, CPU time where real time's floor is too wide,\n"
              "and each time verdict says which decided (docs/time-gate.md).\n"
              "The timed processes run at real-time priority (SCHED_RR 1) where this user may, so\n"
              "that other jobs on the machine do not preempt them (--no-realtime: normal priority).\n"
              "The first --pairs timed processes of each build first make a memory run: peak RSS\n"
              "is judged on those pairs (median difference beyond 1%% and --min-rss, Wilcoxon\n"
              "p < 0.05); pairs added for time make none.\n"
              "Allocations are exact.\n"
              "With --gbench, BASE and HEAD are two builds of a Google Benchmark executable, each\n"
              "benchmark a case (docs/gbench.md).\n\n"
              "With --budgets, HEAD's cases are also judged against absolute limits.\n\n"
              "Exit: 0 no regression, 1 regression or over budget, 2 bad usage or input.\n\n%s",
              p.help_text().c_str(), analyze::budgets_format_help());
}

// More pairs where a case is not settled yet (docs/ab.md, "More pairs where
// they can settle a case"). `thresholds` must outlive the rule; `first_batch`
// is --pairs.
auto more_pairs_rule(const analyze::Thresholds& thresholds, std::size_t first_batch) {
  return [&thresholds, first_batch](const std::string& id, const runner::AbOptions::CasePairs& timed) {
    const analyze::Threshold t = thresholds.for_case(id, report::metric(report::MetricId::median_time).name);
    if (t.ignore) return false;
    const auto real = analyze::paired_time_evidence(timed.real, &timed.real_same_build, t.relative, thresholds.alpha);
    const auto cpu = analyze::paired_time_evidence(timed.cpu, &timed.cpu_same_build, t.relative, thresholds.alpha);
    const auto look = timed.real.size() <= first_batch ? analyze::Look::first : analyze::Look::later;
    return real && analyze::more_pairs_could_settle(*real, cpu ? &*cpu : nullptr, look);
  };
}

// One line per case on stderr (rewritten in place on a terminal).
runner::AbProgress ab_progress(bool tty, int pairs, const std::function<void(const std::string&)>& log) {
  runner::AbProgress progress;
  progress.note = log;
  progress.timing = [tty, pairs](std::size_t i, std::size_t n, const std::string& id) {
    std::fprintf(stderr, "%s[%zu/%zu] %s: %d timed pairs%s", tty ? "\r\033[K" : "", i + 1, n, id.c_str(), pairs,
                 tty ? "" : "\n");
  };
  progress.more_pairs = [tty](const std::string& id, int in_all) {
    std::fprintf(stderr, "%s%s: undecided, %d timed pairs in all%s", tty ? "\r\033[K" : "", id.c_str(), in_all,
                 tty ? "" : "\n");
  };
  return progress;
}

int run_ab_command(const std::vector<std::string>& args) {
  ArgParser p("ab", "BASE HEAD [options]");
  add_ab_options(p);
  p.parse(args);
  if (p.help_requested()) {
    print_ab_help(p);
    return 0;
  }
  if (p.positionals().size() != 2)
    throw UsageError("ab: expected BASE and HEAD (executables or git revisions), got " +
                     std::to_string(p.positionals().size()) + " (see --help)");
  analyze::Thresholds thresholds = ab_thresholds(p);
  const std::optional<analyze::BudgetRules> budgets = budget_rules(p);
  runner::AbOptions o = ab_options(p);
  o.more_pairs = more_pairs_rule(thresholds, static_cast<std::size_t>(o.pairs));
  const std::string base_spec = p.positionals()[0], head_spec = p.positionals()[1];
  check_ab_paths(p, base_spec, head_spec);
  auto log = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  const std::string cache = p.value("build-dir").value_or(default_build_cache());
  runner::AbBuild base, head;
  try {
    if (p.has("gbench")) {
      for (const char* other : {"command", "dataset", "quick", "shell", "ignore-output"})
        if (p.has(other)) throw UsageError(std::string("ab: --") + other + " does not apply with --gbench (docs/gbench.md)");
      runner::check_gbench_args(p.values("gbench-arg"));
      const std::string workload = p.value("workload").value_or(runner::gbench_workload_name(head_spec));
      base = runner::gbench_build(base_spec, workload, p.values("gbench-arg"));
      head = runner::gbench_build(head_spec, workload, p.values("gbench-arg"));
    } else {
      if (p.has("gbench-arg")) throw UsageError("ab: --gbench-arg applies with --gbench only");
      base = runner::resolve_build(base_spec, cache, log);
      head = runner::resolve_build(head_spec, cache, log);
    }
  } catch (const runner::AbError& e) {
    throw UsageError(std::string("ab: ") + e.what());
  }
  WorkDir work(p.value("reports"));
  o.work_dir = work.path();
  if (!p.has("no-realtime")) {
    if (const runner::RealtimeCheck rt = runner::check_realtime(); rt.allowed) {
      o.realtime_priority = runner::kTimedRealtimePriority;
    } else {
      o.realtime_refusal = rt.refusal;
      log("ab: timing at normal priority: " + rt.refusal + "; on a busy machine the time verdicts see less");
    }
  }

  const bool tty = ::isatty(2);
  const runner::AbProgress progress = ab_progress(tty, o.pairs, log);
  runner::install_interrupt_handlers();
  runner::AbResult result;
  try {
    result = runner::run_ab(base, head, o, progress);
  } catch (const runner::AbError& e) {
    throw UsageError(std::string("ab: ") + e.what());
  } catch (const runner::Interrupted& e) {
    std::fprintf(stderr, "%smembench: interrupted by %s; nothing written\n", tty ? "\r\033[K" : "",
                 runner::describe_signal(e.signal).c_str());
    return 128 + e.signal;
  }
  if (tty) std::fprintf(stderr, "\r\033[K");
  if (budgets) analyze::judge_budgets(result.head, *budgets);
  if (p.value("reports")) {
    report::write_report_file(result.base, work.path() + "/base.json");
    report::write_report_file(result.head, work.path() + "/head.json");
  }

  if (auto bmf = p.value("bmf")) write_file_atomically(*bmf, render::bmf_json(result.head));
  analyze::PairedTimes paired{result.pairs, result.same_build, result.cpu_pairs, result.cpu_same_build,
                              result.peak_rss};
  analyze::Comparison comparison = analyze::compare_reports(result.base, result.head, thresholds, &paired);
  if (comparison.cases.empty()) throw UsageError("ab: the two builds share no case (nothing to compare)");
  comparison.base_label = "base " + base_spec;
  comparison.head_label = "head " + head_spec;
  return emit_comparison(comparison, p, budgets ? &result.head : nullptr);
}

}  // namespace

MEMBENCH_COMMAND(ab, "ab", "before/after of two builds, timed processes interleaved and paired; exit 1 on a regression",
                 run_ab_command, false);

}  // namespace membench::cli
