#include "runner/ab.h"

#include <algorithm>
#include <filesystem>
#include <optional>

#include "analyze/statistics.h"
#include "report/json.h"
#include "runner/child_process.h"
#include "runner/phases.h"
#include "runner/realtime.h"
#include "runner/runner.h"
#include "util/format.h"

namespace membench::runner {
namespace {

namespace fs = std::filesystem;

struct SideRun {
  const AbBuild* build;
  const char* name;  // "base" or "head"
};

// Runs `membench run ARGS` of one build; its report, or AbError.
report::Report run_report(const SideRun& side, std::vector<std::string> args, const std::string& out,
                          int realtime_priority = 0) {
  std::vector<std::string> argv{side.build->executable, "run"};
  argv.insert(argv.end(), side.build->run_args.begin(), side.build->run_args.end());
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--out", out});
  std::error_code ec;
  fs::remove(out, ec);
  ChildOutcome o = run_child(ChildSpec{.argv = argv, .env_set = {}, .realtime_priority = realtime_priority});
  if (o.end == ChildOutcome::End::signaled)
    throw AbError(std::string(side.name) + " (" + side.build->spec + "): membench run was killed by " +
                  describe_signal(o.signal));
  // 1: a case failed, and the report is still whole.
  if (o.exit_code > 1 || !fs::exists(out)) {
    std::string why = last_line(o.stderr_tail);
    if (why.rfind("membench: ", 0) == 0) why.erase(0, 10);
    if (why.find("unknown option") != std::string::npos)
      why += " (a membench from before `ab` existed cannot take part)";
    throw AbError(std::string(side.name) + " (" + side.build->spec + "): membench run failed: " + why);
  }
  return report::read_report_file(out);
}

report::CaseResult* find_case(report::Report& r, const std::string& id) {
  for (report::CaseResult& c : r.results)
    if (c.id == id) return &c;
  return nullptr;
}

// The --dataset argument that selects this case's dataset again; "" for a
// Google Benchmark case, which has none.
std::string dataset_argument(const report::Report& r, const report::CaseResult& c) {
  if (!c.gbench.is_null()) return "";
  const nlohmann::json& d = r.context.value("datasets", nlohmann::json::object());
  if (d.contains(c.dataset) && d[c.dataset].value("user_file", false)) return d[c.dataset].value("path", c.dataset);
  return c.dataset;
}

// A Google Benchmark case has no dataset, so no rate of membench's making:
// its rate is the benchmark's own (docs/gbench.md), the median over the
// timed runs of one side.
struct GbenchRates {
  std::vector<double> bytes, items;

  void add(const report::CaseResult& c) {
    if (c.throughput) {
      bytes.push_back(c.throughput->bytes_per_second);
      if (c.throughput->items_per_second) items.push_back(*c.throughput->items_per_second);
    } else if (c.gbench.contains("items_per_second")) {
      items.push_back(c.gbench["items_per_second"].get<double>());
    }
  }

  void attach(report::CaseResult& c) const {
    c.throughput.reset();
    c.gbench.erase("items_per_second");
    std::optional<double> item_rate;
    if (!items.empty()) item_rate = stats::median(items);
    if (!bytes.empty()) c.throughput = report::Throughput{stats::median(bytes), item_rate};
    else if (item_rate) c.gbench["items_per_second"] = *item_rate;
  }
};

// What a timed process gives its pair: its fastest repetition. Other jobs
// only ever slow a repetition down (a shared cache, the memory bus), so the
// fastest of a few is the steadiest figure a process has: under a build
// beside it, the spread between processes was about half that of a single
// repetition (docs/time-gate-loaded.md, "The fastest of three repetitions").
double time_in_pair(const std::vector<double>& repetitions) {
  return repetitions.empty() ? 0 : *std::min_element(repetitions.begin(), repetitions.end());
}

}  // namespace

std::string regex_escape(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (std::string_view("\\^$.|?*+()[]{}").find(ch) != std::string_view::npos) out += '\\';
    out += ch;
  }
  return out;
}

// One case's timed processes, base, head, head, base, ... for o.pairs pairs,
// and o.pairs more while o.more_pairs asks for them (up to o.max_pairs):
// the pairs, the adjacent same-build runs (the noise floor), and each
// side's time figures; a failed timed run fails that side's case.
void time_in_pairs(const SideRun (&sides)[2], AbResult& result, const std::string& id, const AbOptions& o,
                   const AbProgress& progress) {
  report::CaseResult* cases[2] = {find_case(result.base, id), find_case(result.head, id)};
  // Built in steps: g++ 12 warns falsely (-Wrestrict) on "^" + std::string&&.
  std::string exact = regex_escape(id);
  exact.insert(exact.begin(), '^');
  exact.push_back('$');
  std::vector<std::string> args{"--filter", exact, "--allocator", cases[0]->allocator};
  if (std::string d = dataset_argument(result.base, *cases[0]); !d.empty()) args.insert(args.end(), {"--dataset", d});
  args.insert(args.end(), o.measurement.begin(), o.measurement.end());
  args.insert(args.end(), {"--processes", "1"});
  // The first --pairs timed processes also make a memory run: peak RSS, like
  // time, is then judged on interleaved pairs rather than on one run per build.
  // Pairs added to settle a time verdict time only (docs/ab.md).
  std::vector<std::string> with_memory = args, time_only = args;
  with_memory.insert(with_memory.end(), {"--phases", "memory,time"});
  time_only.insert(time_only.end(), {"--phases", "time"});
  // Only the final VmHWM of a strategy's memory run is paired, and sampling its
  // RSS every millisecond slowed the run (docs/time-gate.md): once a second is
  // the coarsest run takes. A command's peak needs its samples.
  const bool strategy_case = cases[0]->command.is_null() && cases[0]->gbench.is_null();
  if (strategy_case) with_memory.insert(with_memory.end(), {"--sample-interval", "1000"});
  else if (!o.sample_interval.empty()) with_memory.insert(with_memory.end(), {"--sample-interval", o.sample_interval});
  std::vector<report::ProcessSamples> samples[2];
  GbenchRates gbench_rates[2];
  double warmup = 0;
  std::string failure[2], cpu_clock[2];
  AbOptions::CasePairs timed;
  std::vector<std::pair<double, double>> rss_pairs;
  double last_real = 0, last_cpu = 0;  // the times of the run before, in run order
  int planned = o.pairs;
  for (int p = 0; p < planned && failure[0].empty() && failure[1].empty(); ++p) {
    double real[2] = {0, 0}, cpu[2] = {0, 0}, rss[2] = {-1, -1};
    // base, head, head, base, ...: a steady drift weighs on both sides alike.
    for (int k = 0; k < 2; ++k) {
      const int s = (p % 2 == 0) ? k : 1 - k;
      report::Report t = run_report(sides[s], p < o.pairs ? with_memory : time_only,
                                    o.work_dir + "/" + sides[s].name + "-timed.json", o.realtime_priority);
      const report::CaseResult* c = t.results.size() == 1 ? &t.results[0] : nullptr;
      if (!c || c->status != report::Status::ok || !c->time || c->time->per_process.size() != 1) {
        failure[s] = c ? c->error : "the timed run reported no case";
        break;
      }
      samples[s].push_back(c->time->per_process[0]);
      gbench_rates[s].add(*c);
      warmup = c->time->warmup_seconds;
      cpu_clock[s] = c->time->cpu_clock;
      real[s] = time_in_pair(c->time->per_process[0].real_ns);
      cpu[s] = time_in_pair(c->time->per_process[0].cpu_ns);
      if (c->memory) rss[s] = static_cast<double>(c->memory->peak_rss_delta_bytes);
      // The first run of every pair after the first follows a run of the same build.
      if (p > 0 && k == 0) {
        timed.real_same_build.emplace_back(last_real, real[s]);
        timed.cpu_same_build.emplace_back(last_cpu, cpu[s]);
      }
      last_real = real[s];
      last_cpu = cpu[s];
    }
    if (failure[0].empty() && failure[1].empty()) {
      timed.real.emplace_back(real[0], real[1]);
      timed.cpu.emplace_back(cpu[0], cpu[1]);
      if (rss[0] >= 0 && rss[1] >= 0) rss_pairs.emplace_back(rss[0], rss[1]);
      // The order base, head, head, base, ... goes on across the batches.
      if (p + 1 == planned && planned < o.max_pairs && o.more_pairs && o.more_pairs(id, timed)) {
        planned = std::min(o.max_pairs, planned + o.pairs);
        if (progress.more_pairs) progress.more_pairs(id, planned);
      }
    }
  }
  for (int s = 0; s < 2; ++s) {
    if (!failure[s].empty()) {
      cases[s]->status = report::Status::failed;
      cases[s]->error = failure[s] + " (in a timed run of ab)";
    } else if (!samples[s].empty()) {
      attach_time(*cases[s], std::move(samples[s]), warmup, cpu_clock[s]);
      if (!cases[s]->gbench.is_null()) gbench_rates[s].attach(*cases[s]);
    }
  }
  if (failure[0].empty() && failure[1].empty()) {
    result.pairs[id] = std::move(timed.real);
    result.same_build[id] = std::move(timed.real_same_build);
    result.cpu_pairs[id] = std::move(timed.cpu);
    result.cpu_same_build[id] = std::move(timed.cpu_same_build);
    result.peak_rss[id] = std::move(rss_pairs);
  }
}

AbResult run_ab(const AbBuild& base, const AbBuild& head, const AbOptions& o, const AbProgress& progress) {
  const SideRun sides[2] = {{&base, "base"}, {&head, "head"}};
  auto note = [&](const std::string& text) {
    if (progress.note) progress.note(text);
  };
  // Memory and counting runs: one of each per case and build, as `run` does;
  // their figures are exact (allocations) or quiet (peak RSS).
  AbResult result;
  std::vector<std::string> untimed = o.selection;
  untimed.insert(untimed.end(), o.measurement.begin(), o.measurement.end());
  untimed.insert(untimed.end(), o.untimed_only.begin(), o.untimed_only.end());
  if (!o.sample_interval.empty()) untimed.insert(untimed.end(), {"--sample-interval", o.sample_interval});
  untimed.insert(untimed.end(), {"--phases", "memory,count"});
  // Said after each step, so that a selection a build refuses gives one line.
  result.base = run_report(sides[0], untimed, o.work_dir + "/base-untimed.json");
  note("ab: base (" + base.spec + "): memory and counting runs done, " + std::to_string(result.base.results.size()) +
       " cases");
  result.head = run_report(sides[1], untimed, o.work_dir + "/head-untimed.json");
  note("ab: head (" + head.spec + "): memory and counting runs done, " + std::to_string(result.head.results.size()) +
       " cases");

  std::vector<std::string> timed_ids;
  for (const report::CaseResult& b : result.base.results) {
    const report::CaseResult* h = find_case(result.head, b.id);
    if (h && b.status == report::Status::ok && h->status == report::Status::ok) timed_ids.push_back(b.id);
  }
  for (std::size_t i = 0; i < timed_ids.size(); ++i) {
    if (int sig = pending_interrupt()) throw Interrupted{sig};
    const std::string& id = timed_ids[i];
    if (progress.timing) progress.timing(i, timed_ids.size(), id);
    time_in_pairs(sides, result, id, o, progress);
  }
  for (int s = 0; s < 2; ++s) {
    report::Report& r = s == 0 ? result.base : result.head;
    r.context["processes"] = o.pairs;
    r.context["ab"] = {{"side", sides[s].name},
                       {"build", sides[s].build->spec},
                       {"executable", sides[s].build->executable},
                       {"pairs", o.pairs},
                       {"max_pairs", std::max(o.pairs, o.max_pairs)},
                       {"order", "base, head, head, base, ... per case"},
                       {"scheduling", describe_scheduling(o.realtime_priority)}};
    if (!o.realtime_refusal.empty()) r.context["ab"]["scheduling_note"] = o.realtime_refusal;
    if (!sides[s].build->revision.empty()) r.context["ab"]["revision"] = sides[s].build->revision;
  }
  return result;
}

}  // namespace membench::runner
