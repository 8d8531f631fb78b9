// The window of a Google Benchmark executable (docs/gbench.md): unmodified
// benchmark executables run with libmembench_count.so preloaded, the figures
// read from the window file. Exact counts; no assertion on time.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "process_helpers.h"
#include "track/gbench_window.h"

namespace gb = membench::track::gbench;

namespace {

constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;

struct GbenchRun {
  CommandResult process;
  gb::WindowFile file;
  nlohmann::json report;  // Google Benchmark's own JSON output
};

// Runs one benchmark of `binary` (an exact name) with the counter preloaded.
GbenchRun run_gbench(const std::string& binary, const std::string& name, const std::string& dir,
                     const std::string& extra_env = "", const std::string& extra_args = "") {
  std::string windows = dir + "/windows.txt";
  std::string json_out = dir + "/gbench.json";
  std::filesystem::remove(windows);
  std::string cmd = "LD_PRELOAD=" + shell_quote(MEMBENCH_COUNT_LIBRARY) + " MEMBENCH_GBENCH_FILE=" +
                    shell_quote(windows) + " " + extra_env + " " + shell_quote(binary) +
                    " --benchmark_filter=" + shell_quote("^" + name + "$") +
                    " --benchmark_min_time=0.01 --benchmark_out_format=json --benchmark_out=" +
                    shell_quote(json_out) + " " + extra_args;
  GbenchRun run;
  run.process = run_shell(cmd);
  EXPECT_EQ(run.process.exit_code, 0) << cmd << "\n" << run.process.err;
  std::string error;
  EXPECT_TRUE(gb::parse_window_file(read_text(windows), run.file, error)) << error;
  if (std::filesystem::exists(json_out)) run.report = nlohmann::json::parse(read_text(json_out));
  return run;
}

// `run` (an executable, perhaps with variables before it) runs
// BM_keep_running_batch as Google Benchmark alone would: 24 iterations.
void expect_batch_benchmark_runs(const std::string& run) {
  CommandResult r = run_shell(run + " --benchmark_filter=BM_keep_running_batch --benchmark_format=json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["benchmarks"][0]["iterations"], 24);
}

// BM_touch_64MiB_before_loop/iterations:100's window: the loop's 32-byte
// block per iteration and nothing of the 64 MiB or the 1,000 blocks made
// before it.
void expect_only_the_loops_blocks(const gb::Window& w) {
  EXPECT_EQ(w.iterations, 100u);
  EXPECT_EQ(w.count, 100u);
  EXPECT_EQ(w.bytes, 3200u);
  EXPECT_EQ(w.peak_live_bytes, 32u);
  EXPECT_EQ(w.leaked_bytes, 0u);
  EXPECT_LT(w.peak_rss_delta(), 1 * kMiB) << "rss_start " << w.rss_start << " hwm_end " << w.hwm_end;
  EXPECT_GT(w.rss_start, 64 * kMiB) << "the 64 MiB are resident before the window";
}

// Google Benchmark's iteration count of the (single) benchmark it reported.
std::uint64_t reported_iterations(const GbenchRun& run) {
  return run.report.at("benchmarks").at(0).at("iterations").get<std::uint64_t>();
}

}  // namespace

// 1,000 push_backs: 11 blocks per iteration (capacities 1, 2, ..., 1024
// ints), 8,188 bytes; no block is temporary (each is freed after the next
// one is made).
TEST(GbenchWindow, PushBackAllocatesElevenBlocksPerIteration) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("nothing can be preloaded into a sanitized program");
  GbenchRun run = run_gbench(MEMBENCH_GBENCH_EXAMPLE, "BM_vector_push_back/1000", test_dir("gbench_push_back"));
  ASSERT_TRUE(run.file.hooked);
  ASSERT_GE(run.file.windows.size(), 2u) << "Google Benchmark grows the count over several batches";
  for (const gb::Window& w : run.file.windows) {
    ASSERT_GT(w.iterations, 0u);
    EXPECT_TRUE(w.counted);
    EXPECT_EQ(w.count, 11 * w.iterations) << "window " << w.seq;
    EXPECT_EQ(w.bytes, 8188 * w.iterations) << "window " << w.seq;
    EXPECT_EQ(w.temporary, 0u) << "window " << w.seq;
    EXPECT_EQ(w.peak_live_bytes, 4096u + 2048u) << "window " << w.seq;
    EXPECT_EQ(w.leaked_bytes, 0u);
    EXPECT_EQ(w.threads, 1u);
  }
  EXPECT_EQ(run.file.reported()->iterations, reported_iterations(run));
}

TEST(GbenchWindow, ReservedVectorAllocatesOneBlockPerIteration) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("nothing can be preloaded into a sanitized program");
  GbenchRun run = run_gbench(MEMBENCH_GBENCH_EXAMPLE, "BM_vector_reserve/1000", test_dir("gbench_reserve"));
  ASSERT_FALSE(run.file.windows.empty());
  for (const gb::Window& w : run.file.windows) {
    EXPECT_EQ(w.count, w.iterations);
    EXPECT_EQ(w.bytes, 4000 * w.iterations);
    EXPECT_EQ(w.peak_live_bytes, 4000u);
  }
  EXPECT_EQ(run.file.reported()->iterations, reported_iterations(run));
}

// Peak RSS Δ of a loop that makes 64 MiB resident: within 5% of 64 MiB.
// Under MEMBENCH_GBENCH_COUNT=0, as the runner measures RSS.
TEST(GbenchWindow, TouchingSixtyFourMiBInTheLoopIsItsPeak) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("nothing can be preloaded into a sanitized program");
  for (const char* count : {"MEMBENCH_GBENCH_COUNT=0", "MEMBENCH_GBENCH_COUNT=1"}) {
    GbenchRun run =
        run_gbench(MEMBENCH_GBENCH_WINDOW_BENCH, "BM_touch_64MiB_in_loop/iterations:2", test_dir("gbench_in_loop"), count);
    ASSERT_EQ(run.file.windows.size(), 1u) << count;
    const gb::Window& w = run.file.windows[0];
    ASSERT_TRUE(w.hwm_reset);
    EXPECT_EQ(w.iterations, 2u);
    double delta = static_cast<double>(w.peak_rss_delta());
    EXPECT_NEAR(delta, 64.0 * kMiB, 0.05 * 64 * kMiB) << count << ": rss_start " << w.rss_start << " hwm_end " << w.hwm_end;
    if (w.counted) {
      EXPECT_EQ(w.count, 2u);
      EXPECT_EQ(w.peak_live_bytes, 64 * kMiB);
    }
  }
}

// 64 MiB made resident and 1,000 blocks allocated before the loop: no peak
// in the window, and only the loop's own block per iteration counted (the
// loop frees some of the earlier blocks: not the window's to account for).
TEST(GbenchWindow, MemoryMadeBeforeTheLoopIsNotCounted) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("nothing can be preloaded into a sanitized program");
  GbenchRun run = run_gbench(MEMBENCH_GBENCH_WINDOW_BENCH, "BM_touch_64MiB_before_loop/iterations:100",
                             test_dir("gbench_before_loop"));
  ASSERT_EQ(run.file.windows.size(), 1u);
  expect_only_the_loops_blocks(run.file.windows[0]);
}

// KeepRunningBatch overshoots its count; the window reports Google
// Benchmark's own iterations (3 batches of 8 for 20 asked).
TEST(GbenchWindow, KeepRunningBatchCountsItsOvershoot) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("nothing can be preloaded into a sanitized program");
  GbenchRun run = run_gbench(MEMBENCH_GBENCH_WINDOW_BENCH, "BM_keep_running_batch/iterations:20",
                             test_dir("gbench_batch"));
  ASSERT_EQ(run.file.windows.size(), 1u);
  EXPECT_EQ(run.file.windows[0].iterations, 24u);
  EXPECT_EQ(run.file.windows[0].count, 24u);
  EXPECT_EQ(run.file.windows[0].iterations, reported_iterations(run));
}

// A loop of two threads is one window with both threads' iterations.
TEST(GbenchWindow, ThreadsShareOneWindow) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("nothing can be preloaded into a sanitized program");
  GbenchRun run = run_gbench(MEMBENCH_GBENCH_WINDOW_BENCH, "BM_two_threads/iterations:50/threads:2",
                             test_dir("gbench_threads"));
  ASSERT_EQ(run.file.windows.size(), 1u);
  const gb::Window& w = run.file.windows[0];
  EXPECT_EQ(w.threads, 2u);
  EXPECT_EQ(w.iterations, 100u);
  EXPECT_EQ(w.count, 100u);
}

// Repetitions: one more window per repetition; the last one is reported.
TEST(GbenchWindow, EachRepetitionIsAWindow) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("nothing can be preloaded into a sanitized program");
  GbenchRun run = run_gbench(MEMBENCH_GBENCH_WINDOW_BENCH, "BM_keep_running_batch/iterations:20",
                             test_dir("gbench_repetitions"), "", "--benchmark_repetitions=3");
  ASSERT_EQ(run.file.windows.size(), 3u);
  EXPECT_EQ(run.file.windows.back().seq, 3u);
}

// Without the variable the library only forwards: the benchmark runs and
// no window file appears.
TEST(GbenchWindow, WithoutTheFileTheHooksOnlyForward) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("nothing can be preloaded into a sanitized program");
  expect_batch_benchmark_runs("LD_PRELOAD=" + shell_quote(MEMBENCH_COUNT_LIBRARY) + " " +
                              shell_quote(MEMBENCH_GBENCH_WINDOW_BENCH));
}

// Run by hand with the library preloaded, Google Benchmark's own JSON
// carries the loop's allocations per iteration (its MemoryManager run).
TEST(GbenchWindow, GoogleBenchmarksJsonCarriesTheLoopsAllocations) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("nothing can be preloaded into a sanitized program");
  CommandResult r = run_shell("LD_PRELOAD=" + shell_quote(MEMBENCH_COUNT_LIBRARY) + " " +
                              shell_quote(MEMBENCH_GBENCH_EXAMPLE) +
                              " --benchmark_filter='^BM_vector_' --benchmark_min_time=0.01 --benchmark_format=json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json report = nlohmann::json::parse(r.out);
  ASSERT_EQ(report["benchmarks"].size(), 2u);
  for (const nlohmann::json& b : report["benchmarks"]) {
    bool reserved = b["name"] == "BM_vector_reserve/1000";
    EXPECT_EQ(b["allocs_per_iter"].get<double>(), reserved ? 1.0 : 11.0) << b["name"];
    EXPECT_EQ(b["max_bytes_used"], reserved ? 4000 : 6144) << b["name"];
    EXPECT_EQ(b["net_heap_growth"], 0) << b["name"];
  }
  // Under membench (a window file set) no MemoryManager run is added.
  std::string dir = test_dir("gbench_no_manager");
  CommandResult quiet = run_shell("LD_PRELOAD=" + shell_quote(MEMBENCH_COUNT_LIBRARY) + " MEMBENCH_GBENCH_FILE=" +
                                  shell_quote(dir + "/w.txt") + " " + shell_quote(MEMBENCH_GBENCH_EXAMPLE) +
                                  " --benchmark_filter='^BM_vector_reserve' --benchmark_min_time=0.01 "
                                  "--benchmark_format=json");
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_FALSE(nlohmann::json::parse(quiet.out)["benchmarks"][0].contains("allocs_per_iter"));
}

namespace {

struct Range {
  std::uint64_t begin, end;
};

// The address ranges /proc/PID/maps gives the files whose path contains
// `path` (the sites file carries the map).
std::vector<Range> ranges_of(const std::string& maps, const std::string& path) {
  std::vector<Range> out;
  std::istringstream in(maps);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find(path) == std::string::npos) continue;
    std::size_t dash = line.find('-');
    std::size_t space = line.find(' ');
    out.push_back({std::stoull(line.substr(0, dash), nullptr, 16),
                   std::stoull(line.substr(dash + 1, space - dash - 1), nullptr, 16)});
  }
  return out;
}

}  // namespace

// MEMBENCH_GBENCH_SITES: the last window's sites, summing to its totals, each
// stack cut at the benchmark function (its outermost frame is the
// executable's own code, not libbenchmark's or libc's).
TEST(GbenchWindow, SitesOfTheLastWindowAreCutAtTheBenchmarkFunction) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("nothing can be preloaded into a sanitized program");
  std::string dir = test_dir("gbench_sites");
  std::string sites = dir + "/sites.txt";
  GbenchRun run = run_gbench(MEMBENCH_GBENCH_EXAMPLE, "BM_unordered_map_insert/1000", dir,
                             "MEMBENCH_GBENCH_SITES=" + shell_quote(sites));
  ASSERT_FALSE(run.file.windows.empty());
  const gb::Window& last = *run.file.reported();
  std::string text = read_text(sites);
  ASSERT_EQ(text.rfind("membench.sites 1\n", 0), 0u) << text.substr(0, 200);
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  std::getline(in, line);
  EXPECT_EQ(line, "totals " + std::to_string(last.count) + " " + std::to_string(last.bytes) + " " +
                      std::to_string(last.peak_live_bytes) + " " + std::to_string(last.temporary) + " " +
                      std::to_string(last.leaked_bytes));
  std::vector<std::vector<std::uint64_t>> stacks;
  std::uint64_t count = 0;
  while (std::getline(in, line) && line != "maps") {
    std::istringstream f(line);
    std::string word;
    std::uint64_t c = 0, skip = 0;
    unsigned truncated = 0, depth = 0;
    std::string threads;
    f >> word >> c >> skip >> skip >> skip >> skip >> threads >> truncated >> depth;
    ASSERT_EQ(word, "site");
    EXPECT_EQ(truncated, 0u);
    count += c;
    std::vector<std::uint64_t> frames(depth);
    for (auto& a : frames) f >> std::hex >> a;
    stacks.push_back(frames);
  }
  EXPECT_EQ(count, last.count);
  ASSERT_FALSE(stacks.empty());
  std::string maps((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<Range> exe = ranges_of(maps, std::filesystem::canonical(MEMBENCH_GBENCH_EXAMPLE).string());
  std::vector<Range> framework = ranges_of(maps, "/libbenchmark.so");
  ASSERT_FALSE(exe.empty());
  ASSERT_FALSE(framework.empty());
  auto inside = [](const std::vector<Range>& ranges, std::uint64_t a) {
    for (const Range& r : ranges)
      if (a >= r.begin && a < r.end) return true;
    return false;
  };
  for (const auto& frames : stacks) {
    ASSERT_FALSE(frames.empty());
    EXPECT_TRUE(inside(exe, frames.back())) << std::hex << frames.back();
    for (std::uint64_t a : frames) EXPECT_FALSE(inside(framework, a)) << "a frame of libbenchmark: " << std::hex << a;
  }
}

// heaptrack's count of the allocations under the benchmark function, one
// call of one iteration (--benchmark_min_time=1e-9 stops after the first
// batch), less the allocations the function makes before its loop, is the
// window's count (docs/gbench.md, "Checked against heaptrack").
TEST(GbenchWindow, AgreesWithHeaptrackUnderTheBenchmarkFunction) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("nothing can be preloaded into a sanitized program");
  if (run_shell("command -v heaptrack_print").exit_code != 0) GTEST_SKIP() << "heaptrack is not installed";
  struct Case {
    const char* name;
    const char* function;
    std::uint64_t before_loop;
  };
  for (const Case& c : {Case{"BM_vector_push_back/1000", "BM_vector_push_back", 0},
                        Case{"BM_string_concat/100", "BM_string_concat", 1},
                        Case{"BM_map_insert/1000", "BM_map_insert", 1}}) {
    std::string dir = test_dir("gbench_heaptrack");
    GbenchRun run = run_gbench(MEMBENCH_GBENCH_EXAMPLE, c.name, dir, "", "--benchmark_min_time=1e-9");
    ASSERT_EQ(run.file.windows.size(), 1u) << c.name;
    ASSERT_EQ(run.file.windows[0].iterations, 1u) << c.name;
    std::string recording = dir + "/recording";
    CommandResult ht = run_shell("heaptrack -o " + shell_quote(recording) + " " + shell_quote(MEMBENCH_GBENCH_EXAMPLE) +
                                 " --benchmark_filter=" + shell_quote(std::string("^") + c.name + "$") +
                                 " --benchmark_min_time=1e-9 >/dev/null");
    ASSERT_EQ(ht.exit_code, 0) << ht.err;
    std::string file;
    for (const auto& e : std::filesystem::directory_iterator(dir))
      if (e.path().filename().string().rfind("recording", 0) == 0) file = e.path().string();
    ASSERT_FALSE(file.empty());
    // The sum of the call counts of the "MOST CALLS" section's entries.
    CommandResult printed = run_shell(
        "heaptrack_print -f " + shell_quote(file) + " --filter-bt-function " + shell_quote(c.function) +
        " | awk '/^MOST CALLS TO ALLOCATION/{s=1;next} /^[A-Z][A-Z ]+$/{s=0} "
        "s && /^[0-9]+ calls to allocation functions/{t+=$1} END{print t+0}'");
    ASSERT_EQ(printed.exit_code, 0) << printed.err;
    std::uint64_t under_function = std::stoull(printed.out);
    EXPECT_EQ(under_function, run.file.windows[0].count + c.before_loop) << c.name;
  }
}

// A program without a shared libbenchmark: the file says the loop cannot be
// seen (the runner reports unavailable, never 0), and has no window.
TEST(GbenchWindow, WithoutSharedLibbenchmarkTheFileSaysHookNone) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("nothing can be preloaded into a sanitized program");
  std::string dir = test_dir("gbench_hook_none");
  std::string windows = dir + "/windows.txt";
  CommandResult r = run_shell("LD_PRELOAD=" + shell_quote(MEMBENCH_COUNT_LIBRARY) + " MEMBENCH_GBENCH_FILE=" +
                              shell_quote(windows) + " /bin/true");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  gb::WindowFile file;
  std::string error;
  ASSERT_TRUE(gb::parse_window_file(read_text(windows), file, error)) << error;
  EXPECT_TRUE(file.hook_seen);
  EXPECT_FALSE(file.hooked);
  EXPECT_NE(file.hook_reason.find("libbenchmark"), std::string::npos) << file.hook_reason;
  EXPECT_TRUE(file.windows.empty());
}

// The opt-in for a statically linked libbenchmark (docs/gbench.md, "A
// statically linked libbenchmark"): the suite above linked through
// membench_gbench_hooks(). Over Debian's shared libbenchmark its wrappers
// must replace the interposed functions, not add a second window (threads
// would say 2, the counts would double).
TEST(GbenchOptIn, WrappersOpenEachWindowOnceWithExactFigures) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("nothing can be preloaded into a sanitized program");
  GbenchRun run = run_gbench(MEMBENCH_GBENCH_OPT_IN_BENCH, "BM_touch_64MiB_before_loop/iterations:100",
                             test_dir("gbench_opt_in_before"));
  EXPECT_TRUE(run.file.hooked);
  EXPECT_EQ(run.file.hook, "static") << "the opt-in's wrappers, not the interposition, saw the loop";
  ASSERT_EQ(run.file.windows.size(), 1u);
  EXPECT_EQ(run.file.windows[0].threads, 1u);
  expect_only_the_loops_blocks(run.file.windows[0]);

  GbenchRun threads = run_gbench(MEMBENCH_GBENCH_OPT_IN_BENCH, "BM_two_threads/iterations:50/threads:2",
                                 test_dir("gbench_opt_in_threads"));
  ASSERT_EQ(threads.file.windows.size(), 1u);
  EXPECT_EQ(threads.file.windows[0].threads, 2u);
  EXPECT_EQ(threads.file.windows[0].count, 100u);
}

TEST(GbenchOptIn, TouchingSixtyFourMiBInTheLoopIsItsPeak) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("nothing can be preloaded into a sanitized program");
  GbenchRun run = run_gbench(MEMBENCH_GBENCH_OPT_IN_BENCH, "BM_touch_64MiB_in_loop/iterations:2",
                             test_dir("gbench_opt_in_in_loop"), std::string(gb::kCountEnv) + "=0");
  ASSERT_EQ(run.file.windows.size(), 1u);
  const double peak = static_cast<double>(run.file.windows[0].peak_rss_delta());
  EXPECT_GT(peak, 0.95 * 64 * kMiB);
  EXPECT_LT(peak, 1.05 * 64 * kMiB);
}

// Outside membench the wrappers find no window functions and only forward.
TEST(GbenchOptIn, WithoutTheLibraryTheWrappersOnlyForward) {
  expect_batch_benchmark_runs(shell_quote(MEMBENCH_GBENCH_OPT_IN_BENCH));
}

// run --gbench on the opt-in build: figures and sites as over the shared
// library, the report saying how the loop was seen; no frame of the
// wrappers or the library in the sites.
TEST(GbenchOptIn, RunGbenchMeasuresTheLoopThroughTheOptIn) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("libmembench_count.so counts beside the sanitizer's allocator");
  std::string dir = test_dir("gbench_opt_in_run");
  std::string out = dir + "/r.json";
  CommandResult r = run_membench({"run", "--gbench", MEMBENCH_GBENCH_OPT_IN_BENCH, "--filter",
                                  "BM_touch_64MiB_before_loop", "--phases", "memory,count", "--processes", "1",
                                  "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json rep = nlohmann::json::parse(read_text(out));
  ASSERT_EQ(rep["results"].size(), 1u);
  const nlohmann::json& c = rep["results"][0];
  ASSERT_TRUE(c.contains("allocations")) << c.dump();
  EXPECT_DOUBLE_EQ(c["allocations"]["per_iteration"]["count"].get<double>(), 1.0);
  EXPECT_EQ(c["gbench"]["count_run"]["hook"], "static");
  EXPECT_EQ(c["gbench"]["memory_run"]["hook"], "static");
  ASSERT_TRUE(c["allocations"].contains("sites")) << c["allocations"].dump();
  const nlohmann::json& entries = c["allocations"]["sites"]["entries"];
  ASSERT_FALSE(entries.empty());
  bool benchmark_line = false;
  for (const nlohmann::json& site : entries)
    for (const nlohmann::json& frame : site["frames"]) {
      const std::string function = frame.value("function", "");
      EXPECT_EQ(function.find("__wrap_"), std::string::npos) << site.dump();
      EXPECT_EQ(function.find("membench_gbench"), std::string::npos) << site.dump();
      benchmark_line = benchmark_line || frame.value("file", "").find("window_bench.cpp") != std::string::npos;
    }
  EXPECT_TRUE(benchmark_line) << entries.dump();
}
