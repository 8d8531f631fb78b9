// The measured process: `membench __case --phase P ...`, started by the
// runner with fork+exec so every case begins in a fresh address space.
//
// Three phases, each its own process:
//   memory  runs the strategy once with nothing else in the process: the
//           runner samples /proc/PID/status from outside (see
//           child_process.cpp) and reads the exact VmHWM after the run.
//   count   runs it once with the allocation counter on. The counter keeps
//           block sizes in a table of its own, which is resident memory, so
//           counting and RSS are never measured in the same process.
//   time    Google Benchmark timed repetitions after a discarded warm-up,
//           no counting; the runner starts several such processes.
// With --heaptrack, a fourth (and a calibration run per workload and
// dataset) runs under heaptrack: see runner/heaptrack.cpp. With --cachegrind,
// the same single run under Valgrind: see runner/cachegrind.cpp.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <cerrno>
#include <cstring>
#include <malloc.h>
#include <dlfcn.h>
#include <gnu/libc-version.h>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/strategy.h"
#include "runner/case_child.h"
#include "runner/injected_regression.h"
#include "runner/protocol.h"
#include "runner/sinks.h"
#include "track/alloc_counter.h"
#include "track/proc_status.h"
#include "util/args.h"
#include "util/fd.h"

namespace membench::runner {
namespace {

struct CaseArgs {
  std::string phase;
  const Workload* workload = nullptr;
  const Strategy* strategy = nullptr;
  Params params;
  std::string input_path;
  int repetitions = 5;
  double min_time = 0.1;
  double warmup = 0;  // seconds of untimed runs before the first repetition
  bool cold = false;
  bool calibrate = false;  // heaptrack phase: everything but the strategy
  std::string sites_file;  // count phase: record allocation sites into this file
};

CaseArgs parse_case_args(const std::vector<std::string>& args) {
  ArgParser p("__case", "(internal: one phase of one case)");
  p.option("phase", "").option("workload", "").option("strategy", "").option("input", "");
  p.option("param", "", true).option("repetitions", "").option("min-time", "").flag("cold", "");
  p.option("warmup", "");
  p.option("calibrate", "").option("sites-file", "");
  p.parse(args);
  CaseArgs a;
  a.phase = p.value("phase").value_or("");
  std::string w = p.value("workload").value_or(""), s = p.value("strategy").value_or("");
  a.workload = find_workload(w);
  a.strategy = find_strategy(w, s);
  if (!a.workload || !a.strategy) throw UsageError("__case: unknown case " + w + "/" + s);
  a.params = a.strategy->params;
  for (const std::string& kv : p.values("param")) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || !a.params.set(kv.substr(0, eq), std::stoll(kv.substr(eq + 1))))
      throw UsageError("__case: bad --param " + kv);
  }
  a.input_path = p.value("input").value_or("");
  a.repetitions = static_cast<int>(p.integer("repetitions", 1, 1000000).value_or(5));
  a.min_time = p.number("min-time", 0, 3600).value_or(0.1);
  a.warmup = p.number("warmup", 0, 3600).value_or(0);
  a.cold = p.has("cold");
  a.calibrate = p.value("calibrate") == std::optional<std::string>("1");
  a.sites_file = p.value("sites-file").value_or("");
  return a;
}

// Evicts the file's pages so the next read comes from the device.
void drop_page_cache(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd) {
    ::fdatasync(fd.get());
    ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_DONTNEED);
  }
}

// Loads the input into an anonymous mapping (not the malloc heap) during
// set-up, for workloads whose strategies take bytes.
Mapping load_input(const std::string& path, std::uint64_t& size) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
  struct stat st{};
  if (::fstat(fd.get(), &st) != 0) throw std::runtime_error("cannot stat " + path);
  size = static_cast<std::uint64_t>(st.st_size);
  if (size == 0) return {};
  void* addr = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (addr == MAP_FAILED) throw std::bad_alloc();
  Mapping m(addr, size);
  std::uint64_t done = 0;
  while (done < size) {
    ssize_t n = ::read(fd.get(), static_cast<char*>(addr) + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("cannot read " + path + " (did it shrink?)");
    done += static_cast<std::uint64_t>(n);
  }
  return m;
}

struct FaultCounts {
  std::uint64_t minor, major;
};
FaultCounts faults() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  return {static_cast<std::uint64_t>(ru.ru_minflt), static_cast<std::uint64_t>(ru.ru_majflt)};
}

// What the allocator itself holds (jemalloc: after flushing this thread's
// cache and advancing the stats epoch; glibc: mallinfo2).
AllocatorSnapshot allocator_snapshot() {
  AllocatorSnapshot snapshot;
  using MallctlFn = int (*)(const char*, void*, size_t*, void*, size_t);
  if (auto mallctl = reinterpret_cast<MallctlFn>(dlsym(RTLD_DEFAULT, "mallctl"))) {
    mallctl("thread.tcache.flush", nullptr, nullptr, nullptr, 0);
    std::uint64_t epoch = 1;
    size_t len = sizeof epoch;
    mallctl("epoch", &epoch, &len, &epoch, len);
    auto read = [&](const char* name, std::optional<std::uint64_t>& into) {
      size_t value = 0;
      size_t size = sizeof value;
      if (mallctl(name, &value, &size, nullptr, 0) == 0) into = value;
    };
    read("stats.allocated", snapshot.allocated);
    read("stats.active", snapshot.active);
    read("stats.resident", snapshot.resident);
    read("stats.mapped", snapshot.mapped);
    read("stats.retained", snapshot.retained);
    read("stats.metadata", snapshot.metadata);
    std::uint64_t thread_allocated = 0;
    len = sizeof thread_allocated;
    if (mallctl("thread.allocated", &thread_allocated, &len, nullptr, 0) == 0)
      snapshot.thread_allocated = thread_allocated;
  } else if (std::strcmp(track::underlying_allocator(), "glibc") == 0) {
    // mallinfo2 describes glibc's own heap; under tcmalloc or mimalloc it
    // would report zeros, so nothing is reported for them.
    struct mallinfo2 mi = mallinfo2();
    snapshot.in_use = static_cast<std::uint64_t>(mi.uordblks + mi.hblkhd);
    snapshot.system = static_cast<std::uint64_t>(mi.arena + mi.hblkhd);
  }
  return snapshot;
}

void run_memory_phase(const CaseArgs& a, const Input& input, ResultWriter& out) {
  DiscardingSink sink;
  track::ProcStatusReader self(0);
  track::ProcMemory before{}, after{};
  send(out, allocator_snapshot(), "alloc_before");
  if (a.cold) drop_page_cache(a.input_path);
  FaultCounts f0 = faults();
  if (!self.read(before)) throw std::runtime_error("cannot read /proc/self/status");
  send(out, MemoryBaseline{.rss = before.rss_bytes, .anon = before.anon_bytes, .file = before.file_bytes,
                           .shmem = before.shmem_bytes, .hwm = before.hwm_bytes});
  out.marker("start");
  std::uint64_t items = run_strategy(*a.strategy, input, a.params, sink);
  benchmark::ClobberMemory();
  FaultCounts f1 = faults();
  self.read(after);
  out.marker("end");
  send(out, MemoryEnd{.rss = after.rss_bytes, .anon = after.anon_bytes, .file = after.file_bytes,
                      .shmem = after.shmem_bytes, .hwm = after.hwm_bytes, .minor_faults = f1.minor - f0.minor,
                      .major_faults = f1.major - f0.major, .items = items, .output_bytes = sink.bytes()});
  send(out, allocator_snapshot(), "alloc_after");
}

// The allocator the interposer forwards to, with its version when it says.
void describe_allocator(CountOutput& result) {
  result.allocator = track::underlying_allocator();
  using MallctlFn = int (*)(const char*, void*, size_t*, void*, size_t);
  if (auto mallctl = reinterpret_cast<MallctlFn>(dlsym(RTLD_DEFAULT, "mallctl"))) {
    const char* version = nullptr;
    size_t len = sizeof version;
    if (mallctl("version", &version, &len, nullptr, 0) == 0 && version) result.allocator_version = version;
  } else if (auto tc_version = reinterpret_cast<const char* (*)(int*, int*, const char**)>(dlsym(RTLD_DEFAULT, "tc_version"))) {
    result.allocator_version = tc_version(nullptr, nullptr, nullptr);
  } else if (auto mi_version = reinterpret_cast<int (*)()>(dlsym(RTLD_DEFAULT, "mi_version"))) {
    result.allocator_version = std::to_string(mi_version());
  } else {
    result.allocator_version = gnu_get_libc_version();
  }
}

// The sites of the window go to the runner's file (runner/sites.cpp reads them).
void write_sites(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW));
  if (fd) track::write_sites(fd.get());
}

void run_count_phase(const CaseArgs& a, const Input& input, ResultWriter& out) {
  HashingSink sink;
  CountOutput result;
  int harness_frame = 0;  // stacks are walked up to this frame, no further
  if (!a.sites_file.empty()) track::enable_sites(&harness_frame);
  if (!track::start_counting()) {
    // No counter in this build (sanitizers): still run the strategy, for the
    // output digest every strategy of the workload is checked against.
    result.counter = "unavailable";
    result.items = run_strategy(*a.strategy, input, a.params, sink);
  } else {
    try {
      result.items = run_strategy(*a.strategy, input, a.params, sink);
    } catch (...) {
      track::stop_counting();
      throw;
    }
    track::AllocationTotals t = track::stop_counting();
    if (!a.sites_file.empty()) write_sites(a.sites_file);
    result.counter = "on";
    AllocationFigures figures;
    track::copy_allocation_totals(t, figures);
    if (t.table_overflow) figures.overflow = 1;
    send(out, figures);
  }
  result.digest = sink.hex_digest();
  describe_allocator(result);
  send(out, result);
  for (std::size_t i = 0; i < sink.note_count(); ++i)
    send_record(out, Note{.name = sink.notes()[i].name, .value = sink.notes()[i].value});
}

// Under heaptrack (which records the whole process): the count phase's
// work without the counter. With --calibrate the strategy is not called, so
// heaptrack's figures for the case minus the calibration's are the strategy's.
// Nothing allocates after the strategy (no digest here: the count phase has
// it), so the difference cannot come from caches the strategy warmed.
// Not inlined: its frame marks the strategy's allocations in heaptrack's backtraces.
[[gnu::noinline]] void run_heaptrack_phase(const CaseArgs& a, const Input& input, ResultWriter& out) {
  DiscardingSink sink;
  send(out, StrategyItems{.items = a.calibrate ? 0 : run_strategy(*a.strategy, input, a.params, sink)});
}

// Collects each repetition of the timed benchmark; prints nothing.
class RepetitionCollector : public benchmark::BenchmarkReporter {
 public:
  explicit RepetitionCollector(ResultWriter& out) : out_(out) {}
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Iteration) continue;
      if (r.error_occurred) {
        error = r.error_message;
        continue;
      }
      send_record(out_, Repetition{.real_ns = r.GetAdjustedRealTime(), .cpu_ns = r.GetAdjustedCPUTime(),
                                   .iterations = static_cast<std::uint64_t>(r.iterations)});
    }
  }
  std::string error;

 private:
  ResultWriter& out_;
};

void run_time_phase(const CaseArgs& a, const Input& input, ResultWriter& out) {
  char arg0[] = "membench";
  char* argv[] = {arg0, nullptr};
  int argc = 1;
  benchmark::Initialize(&argc, argv);
  DiscardingSink sink;
  auto* bench = benchmark::RegisterBenchmark(a.strategy->name, [&](benchmark::State& state) {
    std::uint64_t items = 0;
    for (auto _ : state) {
      if (a.cold) {
        state.PauseTiming();
        drop_page_cache(a.input_path);
        state.ResumeTiming();
      }
      items = run_strategy(*a.strategy, input, a.params, sink);
      benchmark::DoNotOptimize(items);
      benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * input.size));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * items));
  });
  bench->Repetitions(a.repetitions)->UseRealTime()->Unit(benchmark::kNanosecond)->MinTime(a.min_time);
  // The CPU time of every thread of this process, not only the benchmarking
  // one: a strategy's helper threads (hash/overlap's reader) are part of its
  // cost, and `ab` judges CPU time as it judges real time (docs/time-gate.md).
  bench->MeasureProcessCPUTime();
  // A fresh heap faults its pages in and cold caches fill on the first runs
  // (1.5 to 2x slower in tokenize); Google Benchmark runs this and discards it.
  if (a.warmup > 0) bench->MinWarmUpTime(a.warmup);
  RepetitionCollector collector(out);
  benchmark::RunSpecifiedBenchmarks(&collector);
  benchmark::Shutdown();
  if (!collector.error.empty()) throw std::runtime_error(collector.error);
}

bool in_case_child = false;

}  // namespace

int case_main(const std::vector<std::string>& args) {
  in_case_child = true;
  ResultWriter out(kResultFd);
  CaseArgs a = parse_case_args(args);
  try {
    // Set-up, before any baseline: the input, and OpenSSL's one-time
    // initialisation (the digest machinery would otherwise charge its
    // provider tables to the first strategy that hashes).
    {
      // A whole digest cycle: OpenSSL fetches and caches more on final/re-init.
      // Hashing real blocks also faults in the hash code's pages (file-backed
      // RSS that would otherwise be charged to the first strategy that hashes).
      Sha256 warm_up;
      static const char zeros[4096] = {};
      warm_up.update(zeros, sizeof zeros);
      warm_up.finish();
    }
    track::prefault_executable();
    Input input;
    input.path = a.input_path.c_str();
    Mapping loaded;
    if (a.input_path != "-") {
      struct stat st{};
      if (::stat(input.path, &st) != 0)
        throw std::runtime_error(a.input_path + ": " + std::strerror(errno));
      input.size = static_cast<std::uint64_t>(st.st_size);
    }
    if (a.workload->input == InputKind::bytes) {
      loaded = load_input(a.input_path, input.size);
      input.bytes = {static_cast<const std::byte*>(loaded.data()), loaded.size()};
    }
    send(out, InputInfo{.input_bytes = input.size});
    if (a.phase == "memory") run_memory_phase(a, input, out);
    else if (a.phase == "count") run_count_phase(a, input, out);
    else if (a.phase == "time") run_time_phase(a, input, out);
    else if (a.phase == "heaptrack" || a.phase == "cachegrind") run_heaptrack_phase(a, input, out);
    else throw UsageError("__case: unknown phase " + a.phase);
  } catch (const std::bad_alloc&) {
    send_as<CaseFailure>(out, CaseFailure::View{.status = "oom", .error = "out of memory (allocation failed)"});
  } catch (const std::exception& e) {
    send_as<CaseFailure>(out, CaseFailure::View{.status = "failed", .error = e.what()});
  }
  out.marker("done");
  if (a.phase == "memory") {
    // Stay alive until the runner has read our final VmHWM from outside.
    char c;
    for (;;) {
      ssize_t n = ::read(kAckFd, &c, 1);
      if (n == 0 || (n < 0 && errno != EINTR)) break;
    }
  }
  return 0;
}

}  // namespace membench::runner

#if defined(__SANITIZE_ADDRESS__)
// Sanitizer builds: what a case child leaks is the strategy's own doing (a
// figure of the case, and selftest/leak leaks on purpose), not a harness bug;
// LeakSanitizer's exit code would turn it into a failed case. Leak checking
// stays on for every other process (the runner, the tools, the tests).
extern "C" int __lsan_is_turned_off() { return membench::runner::in_case_child ? 1 : 0; }
#endif
