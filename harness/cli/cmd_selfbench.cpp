// membench __selfbench (make selfbench): the harness's own performance
// figures, each measured in this run side by side with the reference it is
// judged against: the machine's SHA-256 limit, sha256sum, /usr/bin/time,
// heaptrack. Benchmarks, not tests: the verdicts are printed, not enforced.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/selfbench_commands.h"
#include "cli/selfbench_gbench.h"
#include "datasets/dataset.h"
#include "report/json.h"
#include "runner/child_process.h"
#include "util/fd.h"
#include "util/format.h"
#include "util/shell.h"

namespace membench::cli {
namespace {

using Clock = std::chrono::steady_clock;

std::string shell(const std::string& cmd, double* seconds = nullptr) { return shell_capture(cmd, nullptr, seconds); }

struct Row {
  std::string figure, measured, target, verdict;
};

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

const report::CaseResult* find(const report::Report& r, const std::string& id) {
  for (const auto& c : r.results)
    if (c.id == id) return &c;
  return nullptr;
}

// Seconds to read the whole file through one buffer of `buffer_bytes`.
double read_seconds(const std::string& path, std::size_t buffer_bytes) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
  auto buffer = std::make_unique_for_overwrite<char[]>(buffer_bytes);
  auto start = Clock::now();
  for (ssize_t n; (n = ::read(fd.get(), buffer.get(), buffer_bytes)) != 0;)
    if (n < 0 && errno != EINTR) throw std::runtime_error("cannot read " + path + ": " + std::strerror(errno));
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The figures of one selfbench, in the order they are printed.
struct SelfBench {
  std::string exe, work;
  const datasets::DatasetDef* medium = nullptr;
  const datasets::DatasetDef* large = nullptr;
  std::string medium_path, large_path;
  std::vector<Row> rows;
  double limit = 0;          // the machine's SHA-256 rate, bytes/s
  double sha256sum_bps = 0;  // sha256sum's, on the large file
  double serial_bound = 0;   // read, then hash, in one thread
  report::Report hash;       // membench's hash strategies

  double large_bytes() const { return static_cast<double>(large->size); }

  void sha256_limit() {
    // The machine's SHA-256 limit.
    std::fprintf(stderr, "openssl speed ...\n");
    std::string speed = shell("openssl speed -evp sha256 -bytes 8192 -seconds 3 2>/dev/null");
    std::smatch m;
    if (std::regex_search(speed, m, std::regex("sha256\\s+([0-9.]+)k"))) limit = std::stod(m[1]) * 1000;
    // Every throughput verdict is a ratio to this figure.
    if (limit <= 0) throw std::runtime_error("__selfbench: 'openssl speed -evp sha256' printed no SHA-256 figure");
    rows.push_back({"SHA-256 limit (openssl speed -evp sha256 -bytes 8192)", format_rate(limit), "", ""});
  }

  void sha256sum_rate() {
    // sha256sum on the large file, warm cache, best of 3.
    std::fprintf(stderr, "sha256sum ...\n");
    shell("cat " + shell_quote(large_path) + " >/dev/null");
    double best = 1e30;
    for (int i = 0; i < 3; ++i) {
      double s = 0;
      shell("sha256sum " + shell_quote(large_path) + " >/dev/null", &s);
      best = std::min(best, s);
    }
    sha256sum_bps = large_bytes() / best;
    rows.push_back({"sha256sum, " + std::string(large->name) + " (warm cache)", format_rate(sha256sum_bps), "", ""});
  }

  void read_bound() {
    // What reading alone costs with stream's 8 KiB buffer (page cache to user
    // memory, one syscall per block): a single thread that reads, then hashes,
    // cannot beat 1 / (1/limit + 1/read rate), whatever it does.
    std::fprintf(stderr, "8 KiB reads ...\n");
    double read_bps = 0;
    for (int i = 0; i < 5; ++i) read_bps = std::max(read_bps, large_bytes() / read_seconds(large_path, 8192));
    serial_bound = 1 / (1 / limit + 1 / read_bps);
    rows.push_back({"8 KiB read() alone, " + std::string(large->name) + " (warm cache)", format_rate(read_bps),
                    "", ""});
    rows.push_back({"serial read-then-hash bound, 1/(1/limit + 1/read)", format_rate(serial_bound), "",
                    fmt("%.2fx limit", serial_bound / limit)});
  }

  void hash_strategies() {
    // membench's hash strategies on the medium and the large file.
    std::fprintf(stderr, "membench run (hash strategies) ...\n");
    std::string hash_json = work + "/hash.json";
    shell(shell_quote(exe) + " run --filter '^hash/(full_read|stream|stream-1MiB|overlap|mmap|mmap-populate)/' --dataset " +
          medium->name + " --dataset " + large->name + " --repetitions 5 --min-time 0.5 --out " + shell_quote(hash_json) +
          " >/dev/null 2>&1");
    hash = report::read_report_file(hash_json);
    for (const char* strategy : {"stream", "stream-1MiB", "overlap", "mmap-populate", "mmap", "full_read"}) {
      const auto* c = find(hash, std::string("hash/") + strategy + "/" + large->name + "/glibc");
      if (!c || !c->throughput) continue;
      double bps = c->throughput->bytes_per_second;
      std::string name = strategy;
      // The target is stream's (and overlap's, the strategy that exists to
      // reach it); the other strategies are shown against the same references.
      bool targeted = name == "stream" || name == "overlap";
      std::string verdict = fmt("%.2fx limit, ", bps / limit) + fmt("%.1fx sha256sum", bps / sha256sum_bps);
      if (name.starts_with("stream")) verdict += fmt(", %.2fx serial bound", bps / serial_bound);
      if (targeted) verdict += bps >= 0.95 * limit && bps >= 4 * sha256sum_bps ? "  MET" : "  MISSED";
      rows.push_back({"hash/" + name + " throughput, " + large->name, format_rate(bps),
                      targeted ? ">= 0.95x limit, >= 4x sha256sum" : "", verdict});
    }
    for (const auto* ds : {medium, large}) {
      const auto* c = find(hash, std::string("hash/stream/") + ds->name + "/glibc");
      if (c && c->memory) {
        double d = static_cast<double>(c->memory->peak_rss_delta_bytes);
        rows.push_back({std::string("hash/stream peak RSS delta, ") + ds->name, format_bytes(d), "<= 8 KiB + 64 KiB",
                        d <= 8192 + 65536 ? "MET" : "MISSED"});
      }
      const auto* f = find(hash, std::string("hash/full_read/") + ds->name + "/glibc");
      if (f && f->memory) {
        double d = static_cast<double>(f->memory->peak_rss_delta_bytes);
        rows.push_back({std::string("hash/full_read peak RSS delta, ") + ds->name, format_bytes(d), "~ file size",
                        fmt("%.3fx file size", d / static_cast<double>(ds->size))});
      }
    }
  }

  void peak_rss_against_time_v() {
    std::smatch m;
    // peak_rss_bytes against /usr/bin/time -v for the same work.
    std::fprintf(stderr, "/usr/bin/time -v ...\n");
    std::string tv = shell("/usr/bin/time -v " + shell_quote(exe) + " hash --strategy full_read " + shell_quote(medium_path) +
                           " 2>&1 >/dev/null");
    double time_v = 0;
    if (std::regex_search(tv, m, std::regex("Maximum resident set size \\(kbytes\\): ([0-9]+)")))
      time_v = std::stod(m[1]) * 1024;
    if (const auto* f = find(hash, std::string("hash/full_read/") + medium->name + "/glibc"); f && f->memory && time_v > 0) {
      double mine = static_cast<double>(f->memory->peak_rss_bytes);
      double diff = std::abs(mine - time_v) / time_v;
      rows.push_back({"peak_rss_bytes vs /usr/bin/time -v (full_read, " + std::string(medium->name) + ")",
                      format_bytes(mine) + " vs " + format_bytes(time_v), "within 2%",
                      fmt("%.2f%% apart", diff * 100) + (diff <= 0.02 ? "  MET" : "  MISSED")});
    }
  }

  void counter_overhead() {
    std::smatch m;
    // Allocation counting overhead, and heaptrack's on the same loop.
    std::fprintf(stderr, "allocation counter overhead ...\n");
    std::string cb = shell(shell_quote(exe) + " __counter-bench --iterations 10000000 --rounds 7");
    double ratio = 0;
    if (std::regex_search(cb, m, std::regex("ratio ([0-9.]+)"))) ratio = std::stod(m[1]);
    rows.push_back({"counting on / off, 10 M new+delete", fmt("%.3fx", ratio), "<= 1.10x",
                    ratio <= 1.10 ? "MET" : "MISSED"});
    if (!shell("command -v heaptrack").empty()) {
      double plain = 0, traced = 0;
      std::string loop = shell_quote(exe) + " __counter-bench --mode off --iterations 1000000 --rounds 1";
      shell(loop + " >/dev/null 2>&1", &plain);
      shell("cd " + shell_quote(work) + " && heaptrack -o heaptrack.selfbench " + loop + " >/dev/null 2>&1", &traced);
      shell("rm -f " + shell_quote(work) + "/heaptrack.selfbench*");
      rows.push_back({"heaptrack on / off, 1 M new+delete (whole process)", fmt("%.1fx", traced / plain), "(reference)", ""});
    }
  }

  // Command cases (run --command): selfbench_commands.cpp.
  void command_cases() {
    for (auto& [figure, measured, target, verdict] : command_figures(exe, work)) rows.push_back({figure, measured, target, verdict});
  }

  void gbench() {
    for (auto& [figure, measured, target, verdict] : gbench_figures(exe, work)) rows.push_back({figure, measured, target, verdict});
  }

  void default_suite() {
    std::fprintf(stderr, "default suite (make bench) ...\n");
    double s = 0;
    shell(shell_quote(exe) + " run --out " + shell_quote(work + "/suite.json") + " >/dev/null 2>&1", &s);
    rows.push_back({"default suite wall time", fmt("%.0f s", s), "<= 180 s", s <= 180 ? "MET" : "MISSED"});
  }

  void print() const {
    std::size_t w0 = 0, w1 = 0, w2 = 0;
    for (const Row& r : rows) {
      w0 = std::max(w0, r.figure.size());
      w1 = std::max(w1, r.measured.size());
      w2 = std::max(w2, r.target.size());
    }
    auto trimmed = [](std::string s) {
      s.erase(0, s.find_first_not_of(" \t\n"));
      s.erase(s.find_last_not_of(" \t\n") + 1);
      return s;
    };
    std::printf("machine: %s, %s cores, kernel %s\n",
                trimmed(shell("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-")).c_str(),
                trimmed(shell("nproc")).c_str(), trimmed(shell("uname -r")).c_str());
    std::printf("%-*s  %-*s  %-*s  %s\n", int(w0), "figure", int(w1), "measured", int(w2), "target", "verdict");
    for (const Row& r : rows)
      std::printf("%-*s  %-*s  %-*s  %s\n", int(w0), r.figure.c_str(), int(w1), r.measured.c_str(), int(w2),
                  r.target.c_str(), r.verdict.c_str());
  }
};

int selfbench_main(const std::vector<std::string>& args) {
  ArgParser p("__selfbench", "[--large DATASET] [--skip-suite] [--commands-only] [--gbench-only] [--work DIR]");
  p.option("large", "the large dataset (default text-1GiB)")
      .option("work", "directory for the reports (default build/selfbench)")
      .flag("skip-suite", "do not time the default suite")
      .flag("commands-only", "only the figures of command cases (run --command)")
      .flag("gbench-only", "only the figure of Google Benchmark executables (the cost of counting the loop)");
  p.parse(args);
  if (p.help_requested()) {
    std::printf("%s", p.help_text().c_str());
    return 0;
  }
  SelfBench bench;
  bench.exe = runner::self_executable();
  bench.work = p.value("work").value_or("build/selfbench");
  shell("mkdir -p " + shell_quote(bench.work));
  if (p.has("gbench-only")) {
    bench.gbench();
    bench.print();
    return 0;
  }
  if (p.has("commands-only")) {
    bench.command_cases();
    bench.print();
    return 0;
  }
  std::string large_name = p.value("large").value_or("text-1GiB");
  bench.large = datasets::find_dataset(large_name);
  bench.medium = datasets::find_dataset("text-64MiB");
  if (!bench.large || !bench.medium) throw UsageError("__selfbench: unknown dataset " + large_name);
  std::fprintf(stderr, "materialising %s and %s ...\n", bench.medium->name, bench.large->name);
  bench.large_path = datasets::materialise(*bench.large);
  bench.medium_path = datasets::materialise(*bench.medium);
  bench.sha256_limit();
  bench.sha256sum_rate();
  bench.read_bound();
  bench.hash_strategies();
  bench.peak_rss_against_time_v();
  bench.counter_overhead();
  bench.command_cases();
  bench.gbench();
  if (!p.has("skip-suite")) bench.default_suite();
  bench.print();
  return 0;
}

}  // namespace

MEMBENCH_COMMAND(selfbench, "__selfbench", "internal: the harness's own performance figures (make selfbench)",
                 selfbench_main, true);

}  // namespace membench::cli
