// run --gbench end to end on a small Google Benchmark suite built against
// Debian's shared libbenchmark (tests/gbench/tiny_suite.cpp): listing, ids
// whose benchmark names hold '/', Google Benchmark's own time as the case's
// samples, refused options, compare and --filter on those ids. docs/gbench.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "process_helpers.h"

using nlohmann::json;

namespace {

const std::string kBase = MEMBENCH_TINY_GBENCH_BASE;
const std::string kMore = MEMBENCH_TINY_GBENCH_MORE;
// Tiny runs: the tests never look at how fast anything was.
const std::vector<std::string> kQuick{"--processes", "2", "--min-time", "0.001", "--warmup", "0"};

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

json run_report(const std::vector<std::string>& args, const std::string& out, int expected_exit = 0) {
  std::vector<std::string> all{"run"};
  all.insert(all.end(), args.begin(), args.end());
  all.insert(all.end(), {"--out", out});
  CommandResult r = run_membench(all);
  EXPECT_EQ(r.exit_code, expected_exit) << r.err << r.out;
  if (!std::filesystem::exists(out)) return json::object();
  return json::parse(read_text(out));
}

const json* find_case(const json& rep, const std::string& id) {
  for (const json& c : rep["results"])
    if (c["id"] == id) return &c;
  return nullptr;
}

}  // namespace

// Each registered argument set is a case; its name, '/' and all, is the
// strategy, and the id's dataset is "-".
TEST(GbenchRun, EveryBenchmarkIsACaseWithItsNameVerbatim) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("the test suite is built with the sanitizer, whose runtime must load before the preloaded counting library");
  std::string dir = test_dir("gbench_ids");
  json rep = run_report(with({"--gbench", kBase, "--filter", "BM_(blocks|nothing)"}, kQuick), dir + "/r.json");
  ASSERT_EQ(rep["results"].size(), 3u) << rep.dump();
  for (const char* id : {"tiny_gbench_base/BM_blocks/1/-/glibc", "tiny_gbench_base/BM_blocks/4/-/glibc",
                         "tiny_gbench_base/BM_nothing/-/glibc"}) {
    const json* c = find_case(rep, id);
    ASSERT_TRUE(c) << id << " missing from " << rep.dump();
    EXPECT_EQ((*c)["status"], "ok") << (*c)["error"];
    EXPECT_EQ((*c)["workload"], "tiny_gbench_base");
    EXPECT_EQ((*c)["dataset"], "-");
    EXPECT_EQ((*c)["gbench"]["executable"], kBase);
    // Google Benchmark's own time, one sample per fresh process.
    ASSERT_TRUE((*c).contains("time")) << id;
    EXPECT_EQ((*c)["time"]["real_ns"].size(), 2u) << id;
    EXPECT_EQ((*c)["time"]["per_process"].size(), 2u) << id;
    EXPECT_GT((*c)["time"]["iterations"].get<std::uint64_t>(), 0u) << id;
    // No dataset: the rate is the benchmark's own (BM_blocks sets one), or none.
    EXPECT_EQ((*c).contains("throughput"), std::string(id).find("BM_blocks") != std::string::npos) << id;
  }
  EXPECT_EQ(find_case(rep, "tiny_gbench_base/BM_blocks/1/-/glibc")->at("strategy"), "BM_blocks/1");
  // The report reads back (merge rewrites it), and compare pairs the ids.
  CommandResult cmp = run_membench({"compare", dir + "/r.json", dir + "/r.json", "--out", dir + "/cmp.json"});
  EXPECT_LE(cmp.exit_code, 1) << cmp.err;
  json j = json::parse(read_text(dir + "/cmp.json"));
  std::set<std::string> ids;
  for (const json& c : j["cases"]) ids.insert(c["id"].get<std::string>());
  EXPECT_TRUE(ids.count("tiny_gbench_base/BM_blocks/4/-/glibc")) << j.dump();
  CommandResult merged = run_membench({"merge", dir + "/r.json", "--out", dir + "/m.json"});
  EXPECT_EQ(merged.exit_code, 0) << merged.err;
}

// A filter that names one argument set exactly selects it alone.
TEST(GbenchRun, FilterMatchesTheNameWithItsSlash) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("the test suite is built with the sanitizer, whose runtime must load before the preloaded counting library");
  std::string dir = test_dir("gbench_filter");
  json rep = run_report(with({"--gbench", kBase, "--filter", "^tiny_gbench_base/BM_blocks/4/-/"}, kQuick),
                        dir + "/r.json");
  ASSERT_EQ(rep["results"].size(), 1u) << rep.dump();
  EXPECT_EQ(rep["results"][0]["strategy"], "BM_blocks/4");
}

// The cases keep the executable's listing order (registration order), not
// the names' alphabetical one: BM_nothing is registered before BM_fails.
TEST(GbenchRun, CasesKeepTheListingOrder) {
  std::string dir = test_dir("gbench_order");
  json rep = run_report(with({"--gbench", kBase, "--filter", "BM_(fails|nothing|blocks/4)", "--phases", "time",
                              "--markdown", dir + "/r.md"},
                             kQuick),
                        dir + "/r.json", 1);
  std::vector<std::string> order;
  for (const json& c : rep["results"]) order.push_back(c["strategy"].get<std::string>());
  EXPECT_EQ(order, (std::vector<std::string>{"BM_blocks/4", "BM_nothing", "BM_fails"}));
  // The pages too.
  const std::string markdown = read_text(dir + "/r.md");
  const std::size_t nothing = markdown.find("| `BM_nothing`"), fails = markdown.find("| `BM_fails`");
  ASSERT_NE(nothing, std::string::npos) << markdown;
  ASSERT_NE(fails, std::string::npos) << markdown;
  EXPECT_LT(nothing, fails) << markdown;
}

// A benchmark that reports an error fails its case with Google Benchmark's message.
TEST(GbenchRun, ABenchmarkErrorFailsItsCase) {
  std::string dir = test_dir("gbench_error");
  json rep = run_report(with({"--gbench", kBase, "--filter", "BM_fails", "--phases", "time"}, kQuick),
                        dir + "/r.json", 1);
  ASSERT_EQ(rep["results"].size(), 1u);
  EXPECT_EQ(rep["results"][0]["status"], "failed");
  EXPECT_NE(rep["results"][0]["error"].get<std::string>().find("broken on purpose"), std::string::npos)
      << rep["results"][0]["error"];
}

// The window's figures: exact allocations per iteration, from the last batch.
TEST(GbenchRun, AllocationsPerIterationComeFromTheLoopWindow) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("libmembench_count.so counts beside the sanitizer's allocator");
  std::string dir = test_dir("gbench_window");
  json rep = run_report(with({"--gbench", kBase, "--filter", "BM_blocks", "--phases", "memory,count"}, kQuick),
                        dir + "/r.json");
  const json* c = find_case(rep, "tiny_gbench_base/BM_blocks/4/-/glibc");
  ASSERT_TRUE(c);
  ASSERT_TRUE((*c).contains("allocations")) << "no window seen: " << (*c).value("allocations_unavailable", "");
  const json& a = (*c)["allocations"];
  const std::uint64_t n = a["iterations"].get<std::uint64_t>();
  ASSERT_GT(n, 0u);
  EXPECT_EQ(a["count"].get<std::uint64_t>(), 4 * n);
  EXPECT_EQ(a["bytes"].get<std::uint64_t>(), 4 * 64 * n);
  EXPECT_DOUBLE_EQ(a["per_iteration"]["count"].get<double>(), 4.0);
  EXPECT_TRUE((*c).contains("memory"));
}

// --cachegrind counts one warm iteration of the loop alone: an empty loop
// is a few instructions (the whole process would be millions), and each
// block allocated adds to it.
TEST(GbenchRun, CachegrindCountsOneIterationOfTheLoop) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("a sanitizer build refuses --cachegrind");
  if (!std::filesystem::exists("/usr/bin/valgrind")) GTEST_SKIP() << "valgrind is not installed";
  std::string dir = test_dir("gbench_cachegrind");
  json rep = run_report(with({"--gbench", kBase, "--filter", "BM_(blocks|nothing)", "--phases", "memory",
                              "--cachegrind"},
                             kQuick),
                        dir + "/r.json");
  std::map<std::string, std::uint64_t> instructions;
  for (const json& c : rep["results"]) {
    ASSERT_TRUE(c.contains("cachegrind")) << c.dump();
    EXPECT_EQ(c["gbench"]["cachegrind_run"]["iterations"], 1) << c.dump();
    EXPECT_GT(c["cachegrind"]["estimated_cycles"].get<std::uint64_t>(), 0u) << c.dump();
    instructions[c["strategy"].get<std::string>()] = c["cachegrind"]["instructions"].get<std::uint64_t>();
  }
  ASSERT_EQ(instructions.size(), 3u) << rep.dump();
  EXPECT_GT(instructions["BM_nothing"], 0u);
  EXPECT_LT(instructions["BM_nothing"], 200u) << "the loop only, not the process";
  EXPECT_GT(instructions["BM_blocks/1"], instructions["BM_nothing"]);
  EXPECT_GT(instructions["BM_blocks/4"], instructions["BM_blocks/1"] + 2 * (instructions["BM_blocks/1"] -
                                                                             instructions["BM_nothing"]));
}

// Bad executables and options: one line, exit 2, no report.
TEST(GbenchRun, BadExecutablesAndOptionsAreExitTwoWithOneLine) {
  std::string dir = test_dir("gbench_bad");
  const std::string out = dir + "/r.json";
  const std::vector<std::vector<std::string>> bad{
      {"--gbench", dir + "/missing"},
      {"--gbench", dir},
      {"--gbench", "/bin/false"},
      {"--gbench", "/bin/true"},
      {"--gbench", "/bin/echo"},
      {"--gbench", kBase, "--gbench-arg=--benchmark_filter=BM"},
      {"--gbench", kBase, "--gbench-arg", "--benchmark_format=csv"},
      {"--gbench", kBase, "--gbench-arg=--benchmark_repetitions=3"},
      {"--gbench", kBase, "--gbench-arg=--benchmark_out=x.json"},
      {"--gbench", kBase, "--dataset", "text-1mb"},
      {"--gbench", kBase, "--command", "x=true"},
      {"--gbench", kBase, "--gbench", kMore, "--workload", "w"},
      {"--gbench", kBase, "--gbench", kBase},
      {"--gbench", kBase, "--filter", "BM_absent"},
      {"--gbench-arg=--benchmark_perf_counters=CYCLES"},
  };
  for (const auto& args : bad) {
    std::vector<std::string> all{"run"};
    all.insert(all.end(), args.begin(), args.end());
    all.insert(all.end(), {"--out", out});
    CommandResult r = run_membench(all);
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    EXPECT_EQ(r.exit_code, 2) << joined << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << joined << ": " << r.err;
    EXPECT_FALSE(std::filesystem::exists(out)) << joined;
  }
}

// Two builds of one suite, the second allocating one block more per
// iteration in BM_blocks: ab pairs them benchmark by benchmark under one
// workload name and names the benchmark that regressed.
TEST(GbenchAb, TwoBuildsOfTheSuitePairedTheRegressionNamed) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("libmembench_count.so counts beside the sanitizer's allocator");
  std::string dir = test_dir("gbench_ab");
  const std::string out = dir + "/ab.json", md = dir + "/ab.md";
  const bool valgrind = std::filesystem::exists("/usr/bin/valgrind");
  std::vector<std::string> args{"ab", "--gbench", kBase, kMore, "--filter", "BM_blocks/1/", "--pairs", "2",
                                "--max-pairs", "2", "--min-time", "0.001", "--warmup", "0", "--out", out,
                                "--markdown", md};
  if (valgrind) args.push_back("--cachegrind");
  CommandResult r = run_membench(args);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  json j = json::parse(read_text(out));
  ASSERT_EQ(j["cases"].size(), 1u) << j.dump();
  const json& c = j["cases"][0];
  EXPECT_EQ(c["id"], "tiny_gbench_more/BM_blocks/1/-/glibc") << "one workload name, HEAD's";
  bool regressed = false;
  for (const json& m : c["metrics"])
    if (m["metric"] == "allocations.per_iteration.count") {
      EXPECT_DOUBLE_EQ(m["base"].get<double>(), 1.0) << m.dump();
      EXPECT_DOUBLE_EQ(m["head"].get<double>(), 2.0) << m.dump();
      regressed = m["verdict"] == "REGRESSED";
    }
  EXPECT_TRUE(regressed) << c.dump();
  // One more malloc and free per iteration: more instructions per iteration, judged exactly.
  bool instructions_judged = false;
  for (const json& m : c["metrics"])
    if (m["metric"] == "cachegrind.instructions") {
      EXPECT_GT(m["head"].get<double>(), m["base"].get<double>() + 50) << m.dump();
      EXPECT_EQ(m["verdict"], "REGRESSED") << m.dump();
      instructions_judged = true;
    }
  EXPECT_EQ(instructions_judged, valgrind) << c.dump();
  // The benchmark's own rate (SetBytesProcessed) survives the pairing on both sides.
  bool rate = false;
  for (const json& m : c["metrics"])
    if (m["metric"] == "throughput.bytes_per_second")
      rate = m.contains("base") && m.contains("head") && m["base"].get<double>() > 0 && m["head"].get<double>() > 0;
  EXPECT_TRUE(rate) << c.dump();
  const std::string markdown = read_text(md);
  EXPECT_NE(markdown.find("BM_blocks/1"), std::string::npos) << markdown;
  // The site that grew, by its source line (the suite is built with -g).
  EXPECT_NE(markdown.find("tiny_suite.cpp:"), std::string::npos) << markdown;
}

// Two builds of the example suite, the second with BM_vector_reserve's
// reserve dropped: ab names the benchmark and the line of the allocations
// that grew, and leaves the benchmarks nobody changed alone.
TEST(GbenchAb, TheExampleWithAReserveDroppedIsNamedWithItsLine) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("libmembench_count.so counts beside the sanitizer's allocator");
  std::string dir = test_dir("gbench_ab_reserve");
  const std::string out = dir + "/ab.json", md = dir + "/ab.md";
  CommandResult r = run_membench({"ab", "--gbench", MEMBENCH_GBENCH_EXAMPLE, MEMBENCH_GBENCH_EXAMPLE_NO_RESERVE,
                                  "--filter", "BM_vector_(reserve|push_back)/", "--pairs", "2", "--max-pairs", "2",
                                  "--min-time", "0.001", "--warmup", "0", "--out", out, "--markdown", md});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  json j = json::parse(read_text(out));
  for (const json& c : j["cases"])
    for (const json& m : c["metrics"])
      if (m["metric"] == "allocations.per_iteration.count") {
        const bool reserve = c["id"].get<std::string>().find("BM_vector_reserve/1000") != std::string::npos;
        EXPECT_DOUBLE_EQ(m["base"].get<double>(), reserve ? 1.0 : 11.0) << c["id"];
        EXPECT_DOUBLE_EQ(m["head"].get<double>(), 11.0) << c["id"];
        EXPECT_EQ(m["verdict"], reserve ? "REGRESSED" : "unchanged") << c["id"];
      }
  const std::string markdown = read_text(md);
  EXPECT_NE(markdown.find("BM_vector_reserve/1000"), std::string::npos) << markdown;
  // The push_back in BM_vector_reserve's loop (line 33), where the blocks now come from.
  EXPECT_NE(markdown.find("containers_bench.cpp:33"), std::string::npos) << markdown;
}

// ab --gbench refuses what run --gbench refuses, and bad executables, in one line.
TEST(GbenchAb, BadBuildsAndOptionsAreExitTwoWithOneLine) {
  std::string dir = test_dir("gbench_ab_bad");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"ab", "--gbench", kBase, dir + "/missing"},
           {"ab", "--gbench", kBase, kMore, "--quick"},
           {"ab", "--gbench", kBase, kMore, "--dataset", "text-1mb"},
           {"ab", "--gbench", kBase, kMore, "--gbench-arg=--benchmark_filter=x"},
           {"ab", kBase, kMore, "--gbench-arg=--x"}}) {
    CommandResult r = run_membench(args);
    EXPECT_EQ(r.exit_code, 2) << args.back() << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args.back() << ": " << r.err;
  }
}
