// The runner end to end: isolation of faulty cases, RSS accuracy, the report.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "process_helpers.h"

using nlohmann::json;

namespace {

json load(const std::string& path) { return json::parse(read_text(path)); }

const json* find_case(const json& report, const std::string& id) {
  for (const json& c : report["results"])
    if (c["id"] == id) return &c;
  return nullptr;
}

std::string small_file(const std::string& dir) {
  std::string path = dir + "/input.txt";
  std::ofstream(path) << std::string(100000, 'a');
  return path;
}

}  // namespace

TEST(Runner, FaultyCasesCostOnlyThemselves) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("--memory-limit cannot hold ASan's shadow memory and the counter is compiled out "
                                   "(ReliabilityFaults.FaultCaseReportsAreCompleteAndReadable runs these faults there)");
  std::string dir = test_dir("isolation");
  std::string out = dir + "/report.json";
  // Nothing here may depend on the machine's speed: the leak is once per
  // process (however many calls the time run fits), allocate_forever meets
  // the memory limit whatever the speed, and the timeout only ends the hang:
  // the cases that end on their own take a fraction of a second idle, and a
  // busy machine stays far below 10 s.
  CommandResult r = run_membench({"run", "--filter", "^selftest/(touch|segfault|hang|allocate_forever|throw|abort|garbage|exit_silently|leak)/",
                                  "--dataset", small_file(dir), "--timeout", "10", "--memory-limit", "256MiB",
                                  "--processes", "1", "--repetitions", "2", "--min-time", "0.01", "--out", out});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  json rep = load(out);
  ASSERT_EQ(rep["results"].size(), 9u);
  auto status = [&](const char* strategy) {
    const json* c = find_case(rep, std::string("selftest/") + strategy + "/file:input.txt/glibc");
    return c ? (*c)["status"].get<std::string>() + ": " + (*c)["error"].get<std::string>() : std::string("absent");
  };
  EXPECT_EQ(status("touch").substr(0, 3), "ok:");
  EXPECT_EQ(status("leak").substr(0, 3), "ok:");
  EXPECT_NE(status("segfault").find("failed: killed by SIGSEGV"), std::string::npos) << status("segfault");
  EXPECT_NE(status("abort").find("failed: killed by SIGABRT"), std::string::npos) << status("abort");
  EXPECT_NE(status("hang").find("timeout: exceeded --timeout 10 s"), std::string::npos) << status("hang");
  EXPECT_EQ(status("allocate_forever").substr(0, 4), "oom:") << status("allocate_forever");
  EXPECT_NE(status("throw").find("failed: selftest: thrown on purpose"), std::string::npos) << status("throw");
  EXPECT_NE(status("garbage").find("failed: malformed result"), std::string::npos) << status("garbage");
  EXPECT_NE(status("exit_silently").find("failed: exited without reporting"), std::string::npos)
      << status("exit_silently");
  // The cases that worked have their whole record.
  const json* leak = find_case(rep, "selftest/leak/file:input.txt/glibc");
  ASSERT_TRUE(leak);
  EXPECT_EQ((*leak)["allocations"]["leaked_bytes"], 1 << 20);
  EXPECT_EQ((*leak)["allocations"]["count"], 1);
  EXPECT_EQ((*leak)["time"]["repetitions"], 2);
  // The summary names every failure.
  EXPECT_NE(r.out.find("selftest/segfault"), std::string::npos);
}

TEST(Runner, PeakRssDeltaMatchesTouchedMemory) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("RSS includes shadow memory and the counter is compiled out");
  std::string dir = test_dir("rss");
  std::string out = dir + "/report.json";
  CommandResult r = run_membench({"run", "--filter", "^selftest/touch/", "--dataset", small_file(dir),
                                  "--repetitions", "1", "--min-time", "0.01", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json c = load(out)["results"][0];
  double touched = 64.0 * (1 << 20);
  double delta = c["memory"]["peak_rss_delta_bytes"].get<double>();
  EXPECT_NEAR(delta, touched, touched * 0.05);
  // The runner's outside read of VmHWM is the child's own VmHWM.
  EXPECT_EQ(c["memory"]["peak_rss_bytes"], c["extra"]["child_vmhwm_bytes"]);
  EXPECT_EQ(c["memory"]["peak_rss_delta_bytes"].get<std::uint64_t>(),
            c["memory"]["peak_rss_bytes"].get<std::uint64_t>() - c["memory"]["baseline_rss_bytes"].get<std::uint64_t>());
  // Sampled from outside: the split never exceeds the exact peak.
  // Linux sums its per-CPU RSS counters approximately (up to a batch of
  // pages per CPU), and VmHWM is taken from such a sum: a sample read at
  // another moment may exceed it by that much.
  constexpr double kKernelSlack = 1 << 20;
  EXPECT_LE(c["memory"]["peak_anon_bytes"].get<double>() - c["memory"]["baseline_anon_bytes"].get<double>(),
            delta + kKernelSlack);
  EXPECT_LE(c["memory"]["peak_rss_sampled_bytes"].get<double>(),
            c["memory"]["peak_rss_bytes"].get<double>() + kKernelSlack);
  EXPECT_EQ(c["allocations"]["bytes"], 64 << 20);
  EXPECT_GE(c["timeline"]["rss_bytes"].size(), 2u);
}

TEST(Runner, SamplerSeesAHeldPeakAsAnonymousMemory) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("RSS includes shadow memory");
  std::string dir = test_dir("rss_hold");
  std::string out = dir + "/report.json";
  CommandResult r = run_membench({"run", "--filter", "^selftest/touch-hold/", "--dataset", small_file(dir),
                                  "--phases", "memory", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json m = load(out)["results"][0]["memory"];
  double touched = 64.0 * (1 << 20);
  EXPECT_NEAR(m["peak_anon_bytes"].get<double>() - m["baseline_anon_bytes"].get<double>(), touched, touched * 0.05);
  EXPECT_NEAR(m["peak_file_bytes"].get<double>() - m["baseline_file_bytes"].get<double>(), 0, 1 << 20);
  EXPECT_GE(m["samples"].get<int>(), 3);  // 500 ms held, sampled every 1 ms: a loaded machine still takes several
}

TEST(Runner, HashReportHasEveryContractField) {
  std::string dir = test_dir("hash_report");
  std::string out = dir + "/report.json";
  std::string markdown = dir + "/report.md";
  CommandResult r = run_membench({"run", "--filter", "^hash/(stream|full_read|mmap)/", "--dataset", "text-1MiB",
                                  "--processes", "3", "--repetitions", "2", "--min-time", "0.01", "--warmup",
                                  "0.02", "--out", out, "--markdown", markdown});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json rep = load(out);
  // The workloads' reference strategies travel with the report, and the
  // Markdown tables compare with them.
  EXPECT_EQ(rep["context"]["workloads"]["hash"]["reference_strategy"], "stream");
  std::string tables = read_text(markdown);
  EXPECT_NE(tables.find("### hash · text-1MiB (1.00 MiB) · glibc"), std::string::npos) << tables;
  EXPECT_NE(tables.find("Reference strategy: `stream`."), std::string::npos) << tables;
  EXPECT_NE(tables.find("| `full_read` |"), std::string::npos) << tables;
  EXPECT_EQ(rep["schema"], "membench.report/2");
  for (const char* key : {"created_utc", "membench_version", "git_commit", "host", "cpu_model", "cores", "kernel",
                          "compiler", "compiler_flags", "build_type", "command_line", "allocators"})
    EXPECT_TRUE(rep["context"].contains(key)) << key;
  ASSERT_EQ(rep["results"].size(), 3u);
  std::string digest = rep["results"][0]["output_digest"];
  for (const json& c : rep["results"]) {
    for (const char* key : {"id", "workload", "strategy", "dataset", "allocator", "params", "status", "error",
                            "input_bytes", "input_items", "output_digest", "time", "throughput", "memory",
                            "allocations", "timeline"})
      // No counter, no "allocations" (the report says so in its context).
      EXPECT_TRUE(c.contains(key) || (std::string_view(key) == "allocations" &&
                                      rep["context"]["allocation_counter"] == false))
          << c["id"] << " lacks " << key;
    EXPECT_EQ(c["status"], "ok") << c["error"];
    EXPECT_EQ(c["output_digest"], digest);
    EXPECT_EQ(c["input_bytes"], 1 << 20);
    for (const char* key : {"baseline_rss_bytes", "peak_rss_bytes", "peak_rss_delta_bytes", "peak_anon_bytes",
                            "peak_file_bytes", "peak_shmem_bytes", "minor_faults", "major_faults"})
      EXPECT_TRUE(c["memory"].contains(key)) << key;
    // Timed samples from three fresh processes, two repetitions each, kept
    // per process; the warm-up is not among them.
    EXPECT_EQ(c["time"]["processes"], 3);
    EXPECT_EQ(c["time"]["real_ns"].size(), 6u);
    ASSERT_EQ(c["time"]["per_process"].size(), 3u);
    for (const json& p : c["time"]["per_process"]) EXPECT_EQ(p["real_ns"].size(), 2u);
    EXPECT_EQ(c["time"]["process_medians_ns"].size(), 3u);
    EXPECT_EQ(c["time"]["warmup"]["min_seconds"], 0.02);
    EXPECT_GT(c["throughput"]["bytes_per_second"].get<double>(), 0);
    // Set-up made OpenSSL's tables and the program's own code resident
    // before the baseline: streaming adds its 8 KiB buffer, not 64 KiB of
    // first-touched code pages. Under ASan the shadow memory and the
    // sanitizer runtime's own library pages come on top, so the bound is a
    // property of the normal build only.
    if (c["strategy"] == "stream" && !sanitizer_build()) {
      EXPECT_LT(c["memory"]["peak_rss_delta_bytes"].get<std::uint64_t>(), 64u << 10);
    }
  }
  // The digest is the SHA-256 of the output (the file's raw digest).
  CommandResult ref = run_shell("openssl dgst -sha256 -binary " +
                                shell_quote(rep["context"]["datasets"]["text-1MiB"]["path"].get<std::string>()) +
                                " | sha256sum | cut -c1-64");
  EXPECT_EQ(ref.out, digest + "\n") << ref.err << " exit " << ref.exit_code;
  // A second run with the same binary gives the same allocation counts.
  std::string out2 = dir + "/report2.json";
  ASSERT_EQ(run_membench({"run", "--filter", "^hash/(stream|full_read|mmap)/", "--dataset", "text-1MiB",
                          "--repetitions", "1", "--min-time", "0.01", "--out", out2})
                .exit_code,
            0);
  json rep2 = load(out2);
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_EQ(rep["results"][i]["allocations"], rep2["results"][i]["allocations"]);
}

TEST(Runner, BadUsageIsExitTwoAndWritesNothing) {
  std::string dir = test_dir("bad_usage");
  std::string out = dir + "/report.json";
  auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> args{"run", "--out", out};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_membench(args);
  };
  for (const auto& extra : std::vector<std::vector<std::string>>{
           {"--filter", "("},
           {"--filter", "^nothing-matches$"},
           {"--dataset", dir + "/missing"},
           {"--dataset", dir},
           {"--shard", "0/2"},
           {"--shard", "3/2"},
           {"--shard", "x/y"},
           {"--repetitions", "0"},
           {"--repetitions", "-3"},
           {"--repetitions", "99999999999"},
           {"--memory-limit", "lots"},
           {"--allocator", "hoard"},
           {"--processes", "0"},
           {"--warmup", "-1"},
           {"--phases", "memory,speed"},
           {"--bogus"}}) {
    CommandResult r = run(extra);
    EXPECT_EQ(r.exit_code, 2) << extra[0];
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  EXPECT_FALSE(std::filesystem::exists(out));
}

// Each timed process runs the case untimed first and throws that away: a
// strategy whose first run in a process is slow (as a fresh heap makes a real
// one) shows in no sample with a warm-up, and in every process's first sample
// without one. The first run burns 300 ms of CPU and the samples compared are
// CPU time, which a busy machine's scheduling delays do not inflate.
TEST(Runner, TimedSamplesComeFromSeveralProcessesEachAfterAWarmUp) {
  std::string dir = test_dir("warmup");
  auto run = [&](const char* warmup) {
    std::string out = dir + "/warmup-" + warmup + ".json";
    CommandResult r = run_membench({"run", "--filter", "^selftest/slow_first/", "--dataset", small_file(dir),
                                    "--phases", "time", "--processes", "3", "--repetitions", "2", "--min-time",
                                    "0.001", "--warmup", warmup, "--out", out});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    json rep = load(out);
    EXPECT_FALSE(rep["results"][0].contains("memory"));  // --phases time: only the timed runs
    return rep["results"][0]["time"];
  };
  const double slow_ns = 300e6 / 2;  // the first run burns 300 ms of CPU
  json warmed = run("0.001");
  ASSERT_EQ(warmed["per_process"].size(), 3u);
  for (const json& p : warmed["per_process"])
    for (const json& ns : p["cpu_ns"]) EXPECT_LT(ns.get<double>(), slow_ns) << warmed.dump();
  json cold = run("0");
  ASSERT_EQ(cold["per_process"].size(), 3u);
  for (const json& p : cold["per_process"]) EXPECT_GT(p["cpu_ns"][0].get<double>(), slow_ns) << cold.dump();
}

// Instructions counted under Valgrind for the strategy call alone are the
// same on every run of one build; simulated cache misses nearly so.
TEST(Runner, CachegrindCountsAreRepeatable) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("Valgrind cannot run a sanitizer build");
  std::string dir = test_dir("cachegrind");
  std::vector<json> runs;
  for (int i = 0; i < 2; ++i) {
    std::string out = dir + "/run" + std::to_string(i) + ".json";
    CommandResult r = run_membench({"run", "--filter", "^hash/(stream|full_read)/", "--dataset", small_file(dir),
                                    "--phases", "count", "--cachegrind", "--out", out});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    runs.push_back(load(out));
  }
  ASSERT_EQ(runs[0]["results"].size(), 2u);
  for (std::size_t c = 0; c < 2; ++c) {
    const json& a = runs[0]["results"][c];
    const json& b = runs[1]["results"][c];
    ASSERT_TRUE(a.contains("cachegrind")) << a["extra"].dump();
    EXPECT_GT(a["cachegrind"]["instructions"].get<double>(), 100000.0);  // hashing 100 KB is no less
    EXPECT_EQ(a["cachegrind"]["instructions"], b["cachegrind"]["instructions"]) << a["id"];
    EXPECT_NEAR(a["cachegrind"]["d1_misses"].get<double>(), b["cachegrind"]["d1_misses"].get<double>(),
                0.01 * a["cachegrind"]["d1_misses"].get<double>() + 10)
        << a["id"];
  }
}
