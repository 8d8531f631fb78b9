// membench ab end to end: two builds measured in one session, time judged
// on interleaved pairs. The statistics themselves are unit-tested
// (paired_test.cpp, compare_test.cpp); here the real binary plays both sides.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "process_helpers.h"

using nlohmann::json;

namespace {

std::string small_file(const std::string& dir) {
  std::string path = dir + "/input.txt";
  std::ofstream out(path);
  for (int i = 0; i < 20000; ++i) out << "word" << (i % 97) << ' ';
  return path;
}

}  // namespace

// The same build on both sides: every case is compared, time on pairs, with
// an interval and a noise floor, and nothing regresses in allocations (exact).
TEST(Ab, SameBuildOnBothSidesComparesEveryCaseOnPairs) {
  std::string dir = test_dir("ab_same");
  std::string out = dir + "/ab.json", md = dir + "/ab.md", html = dir + "/ab.html";
  CommandResult r = run_membench({"ab", MEMBENCH_BINARY, MEMBENCH_BINARY, "--filter", "^(hash/stream|tokenize/string_view)/",
                                  "--dataset", small_file(dir), "--pairs", "6", "--max-pairs", "6", "--repetitions", "1", "--min-time",
                                  "0.001", "--warmup", "0.001", "--out", out, "--markdown", md, "--html", html,
                                  "--reports", dir + "/reports"});
  ASSERT_LE(r.exit_code, 1) << r.err;
  json j = json::parse(read_text(out));
  EXPECT_TRUE(j["paired"].get<bool>());
  ASSERT_EQ(j["cases"].size(), 2u) << j.dump();
  for (const json& c : j["cases"]) {
    bool saw_time = false, saw_rss = false;
    for (const json& m : c["metrics"]) {
      if (m["metric"] == "memory.peak_rss_delta_bytes") {
        // Peak RSS from the memory run each timed process made: 6 pairs.
        saw_rss = true;
        EXPECT_NE(m.value("note", "").find("6 paired memory runs"), std::string::npos) << m.dump();
        EXPECT_EQ(m["threshold_absolute"], 128 * 1024) << "ab's default --min-rss";
        EXPECT_EQ(m["threshold_relative"], 0.01);
      }
      if (m["metric"].get<std::string>().rfind("allocations.", 0) == 0) {
        EXPECT_EQ(m["verdict"], "unchanged") << c["id"];
      }
      if (m["metric"] == "time.median_real_ns") {
        saw_time = true;
        ASSERT_TRUE(m.contains("interval")) << m.dump();
        EXPECT_LE(m["interval"][0].get<double>(), m["interval"][1].get<double>());
        EXPECT_TRUE(m.contains("noise_floor")) << m.dump();
        EXPECT_EQ(m.value("pairs", 0), 6) << "--max-pairs 6: never more than --pairs";
        // CPU time judged beside it, every thread of the case process (docs/time-gate.md).
        ASSERT_TRUE(m.contains("cpu")) << m.dump();
        EXPECT_EQ(m["cpu"]["clock"], "process");
        EXPECT_EQ(m["cpu"]["pairs"], 6);
        EXPECT_TRUE(m.contains("decided_by") && m.contains("real_verdict")) << m.dump();
      }
    }
    EXPECT_TRUE(saw_time) << c.dump();
    EXPECT_TRUE(saw_rss) << c.dump();
  }
  // The kept reports are ordinary reports with one timed process per pair.
  json base = json::parse(read_text(dir + "/reports/base.json"));
  ASSERT_EQ(base["results"].size(), 2u);
  EXPECT_EQ(base["results"][0]["time"]["per_process"].size(), 6u);
  EXPECT_EQ(base["context"]["ab"]["side"], "base");
  EXPECT_NE(read_text(md).find("paired"), std::string::npos);
  EXPECT_NE(r.out.find("time: paired"), std::string::npos) << r.out;
}

// ab's timed processes are short by default (10 ms windows after 20 ms of
// warm-up, docs/ab.md) and run's 50 ms when asked; the kept reports say which.
TEST(Ab, TimedProcessesAreShortUnlessAskedOtherwise) {
  std::string dir = test_dir("ab_short");
  const std::string input = small_file(dir);
  for (const auto& [extra, min_time, warmup] : std::vector<std::tuple<std::vector<std::string>, double, double>>{
           {{}, 0.01, 0.02}, {{"--min-time", "0.05", "--warmup", "0.05"}, 0.05, 0.05}}) {
    const std::string reports = dir + "/reports-" + std::to_string(min_time);
    std::vector<std::string> args{"ab",     MEMBENCH_BINARY, MEMBENCH_BINARY, "--filter", "^hash/stream/", "--dataset",
                                  input,    "--pairs",       "2",             "--max-pairs", "2",          "--reports",
                                  reports};
    args.insert(args.end(), extra.begin(), extra.end());
    CommandResult r = run_membench(args);
    ASSERT_LE(r.exit_code, 1) << r.err;
    json base = json::parse(read_text(reports + "/base.json"));
    ASSERT_EQ(base["results"].size(), 1u);
    EXPECT_DOUBLE_EQ(base["context"]["min_time_seconds"].get<double>(), min_time) << base["context"].dump();
    EXPECT_DOUBLE_EQ(base["results"][0]["time"]["warmup"]["min_seconds"].get<double>(), warmup);
    EXPECT_EQ(base["results"][0]["time"]["per_process"].size(), 2u);
  }
}

// Each timed process makes 3 repetitions by default and gives its pair the
// fastest (docs/ab.md): the estimate is the median over the pairs of the
// head's fastest over the base's, in real and in CPU time.
TEST(Ab, EachTimedProcessGivesItsPairItsFastestRepetition) {
  std::string dir = test_dir("ab_fastest");
  const std::string out = dir + "/ab.json", reports = dir + "/reports";
  CommandResult r = run_membench({"ab", MEMBENCH_BINARY, MEMBENCH_BINARY, "--filter", "^hash/stream/", "--dataset",
                                  small_file(dir), "--pairs", "3", "--max-pairs", "3", "--out", out, "--reports",
                                  reports});
  ASSERT_LE(r.exit_code, 1) << r.err;
  json base = json::parse(read_text(reports + "/base.json")), head = json::parse(read_text(reports + "/head.json"));
  ASSERT_EQ(base["results"].size(), 1u);
  ASSERT_EQ(head["results"].size(), 1u);
  const json& base_runs = base["results"][0]["time"]["per_process"];
  const json& head_runs = head["results"][0]["time"]["per_process"];
  ASSERT_EQ(base_runs.size(), 3u);
  ASSERT_EQ(head_runs.size(), 3u);
  const json comparison = json::parse(read_text(out));
  json time;
  for (const json& m : comparison["cases"][0]["metrics"])
    if (m["metric"] == "time.median_real_ns") time = m;
  ASSERT_TRUE(time.is_object()) << read_text(out);
  for (const auto& [key, judged] : {std::pair<std::string, json>{"real_ns", time}, {"cpu_ns", time["cpu"]}}) {
    std::vector<double> ratios;
    for (std::size_t i = 0; i < 3; ++i) {
      std::vector<double> b = base_runs[i][key], h = head_runs[i][key];
      ASSERT_EQ(b.size(), 3u) << "3 repetitions per timed process by default";
      ASSERT_EQ(h.size(), 3u);
      ratios.push_back(*std::min_element(h.begin(), h.end()) / *std::min_element(b.begin(), b.end()));
    }
    std::sort(ratios.begin(), ratios.end());
    EXPECT_NEAR(judged["relative"].get<double>(), ratios[1] - 1, 1e-9) << key << ": " << judged.dump();
  }
}

TEST(Ab, BadBuildsAndUsageAreExitTwoWithOneLine) {
  std::string dir = test_dir("ab_bad");
  std::string text = dir + "/not-executable";
  std::ofstream(text) << "x";
  std::string out = dir + "/ab.json";
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"ab"},
           {"ab", MEMBENCH_BINARY},
           {"ab", MEMBENCH_BINARY, text},
           {"ab", MEMBENCH_BINARY, "no-such-revision-anywhere"},
           {"ab", MEMBENCH_BINARY, MEMBENCH_BINARY, "--pairs", "1"},
           {"ab", MEMBENCH_BINARY, MEMBENCH_BINARY, "--pairs", "8", "--max-pairs", "4"},
           {"ab", MEMBENCH_BINARY, MEMBENCH_BINARY, "--min-rss", "lots"},
           {"ab", MEMBENCH_BINARY, MEMBENCH_BINARY, "--filter", "^nothing-matches$", "--out", out},
       }) {
    CommandResult r = run_membench(args);
    EXPECT_EQ(r.exit_code, 2) << args.back() << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
  }
}

// With --cachegrind, each build's counting run also counts instructions
// under Valgrind, and the comparison judges them exactly: one build against
// itself is unchanged, to the instruction.
TEST(Ab, CachegrindFiguresAreComparedExactly) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("Valgrind cannot run a sanitizer build");
  std::string dir = test_dir("ab_cachegrind");
  std::string out = dir + "/ab.json";
  CommandResult r = run_membench({"ab", MEMBENCH_BINARY, MEMBENCH_BINARY, "--filter", "^hash/stream/", "--dataset",
                                  small_file(dir), "--pairs", "2", "--min-time", "0.001", "--warmup", "0",
                                  "--cachegrind", "--out", out, "--reports", dir + "/reports"});
  ASSERT_LE(r.exit_code, 1) << r.err;
  json j = json::parse(read_text(out));
  ASSERT_EQ(j["cases"].size(), 1u) << j.dump();
  bool saw_instructions = false;
  for (const json& m : j["cases"][0]["metrics"])
    if (m["metric"] == "cachegrind.instructions") {
      saw_instructions = true;
      EXPECT_EQ(m["verdict"], "unchanged") << m.dump();
      EXPECT_GT(m["base"].get<double>(), 0.0);
    }
  EXPECT_TRUE(saw_instructions) << j.dump();
  json head = json::parse(read_text(dir + "/reports/head.json"));
  EXPECT_TRUE(head["results"][0].contains("cachegrind")) << head.dump();
}

// ab's own RSS thresholds (1% and 128 KiB): a thresholds file changes them,
// and --min-rss wins over the file.
TEST(Ab, RssThresholdsComeFromTheFileThenMinRss) {
  std::string dir = test_dir("ab_rss_thresholds");
  std::string thresholds = dir + "/thresholds.json";
  std::ofstream(thresholds) << R"({"defaults": {"memory.peak_rss_delta_bytes": {"relative": 0.2, "absolute": 1048576}}})";
  auto rss_threshold = [&](const std::vector<std::string>& extra) {
    std::string out = dir + "/ab.json";
    std::vector<std::string> args{"ab", MEMBENCH_BINARY, MEMBENCH_BINARY, "--filter", "^hash/stream/", "--dataset",
                                  small_file(dir), "--pairs", "2", "--min-time", "0.001", "--warmup", "0.001",
                                  "--out", out};
    args.insert(args.end(), extra.begin(), extra.end());
    CommandResult r = run_membench(args);
    EXPECT_LE(r.exit_code, 1) << r.err;
    const json comparison = json::parse(read_text(out));
    for (const json& m : comparison["cases"][0]["metrics"])
      if (m["metric"] == "memory.peak_rss_delta_bytes")
        return std::make_pair(m["threshold_relative"].get<double>(), m["threshold_absolute"].get<double>());
    ADD_FAILURE() << "no peak RSS metric";
    return std::make_pair(0.0, 0.0);
  };
  EXPECT_EQ(rss_threshold({}), std::make_pair(0.01, 131072.0));
  EXPECT_EQ(rss_threshold({"--thresholds", thresholds}), std::make_pair(0.2, 1048576.0));
  EXPECT_EQ(rss_threshold({"--thresholds", thresholds, "--min-rss", "64KiB"}), std::make_pair(0.2, 65536.0));
}

// The timed processes run at real-time priority where the user may (root in
// CI), the memory and counting runs at normal priority, and the comparison
// says which (docs/time-gate-loaded.md, "Real-time priority"). A command case logs
// the policy it ran under: field 41 of /proc/self/stat, 2 for SCHED_RR.
TEST(Ab, TimedProcessesRunAtRealTimePriorityWhereAllowed) {
  std::string dir = test_dir("ab_realtime");
  std::string data = small_file(dir);
  auto policies = [&](const std::string& name, std::vector<std::string> extra) {
    const std::string log = dir + "/" + name + ".log", out = dir + "/" + name + ".json";
    std::vector<std::string> args{"ab",      MEMBENCH_BINARY, MEMBENCH_BINARY, "--dataset", data, "--shell", "--command",
                                  "policy=cut -d' ' -f41 /proc/self/stat >>" + log + "; cat {input}",
                                  "--pairs", "2", "--max-pairs", "2", "--warmup", "0", "--out", out,
                                  "--reports", dir + "/" + name};
    args.insert(args.end(), extra.begin(), extra.end());
    CommandResult r = run_membench(args);
    EXPECT_LE(r.exit_code, 1) << r.err;
    std::map<std::string, int> seen;
    std::istringstream lines(read_text(log));
    for (std::string line; std::getline(lines, line);) ++seen[line];
    json head = json::parse(read_text(dir + "/" + name + "/head.json"));
    return std::make_tuple(seen, head["context"]["ab"], json::parse(read_text(out))["time_basis"].get<std::string>());
  };

  auto [seen, ab, basis] = policies("default", {});
  if (ab.value("scheduling", "") == "SCHED_RR 1") {
    // 2 pairs: at least one timed run of the command per process, 4 processes.
    EXPECT_GE(seen["2"], 4) << "timed runs at SCHED_RR";
    EXPECT_GE(seen["0"], 2) << "the memory and counting runs at normal priority";
    EXPECT_EQ(seen.size(), 2u) << "no other policy";
    EXPECT_NE(basis.find("timed at real-time priority (SCHED_RR 1)"), std::string::npos) << basis;
  } else {
    // Refused here (no root, no CAP_SYS_NICE): said, and timed as before.
    EXPECT_EQ(ab.value("scheduling", ""), "normal") << ab.dump();
    EXPECT_NE(ab.value("scheduling_note", "").find("real-time priority refused"), std::string::npos) << ab.dump();
    EXPECT_EQ(seen.count("2"), 0u);
    EXPECT_NE(basis.find("timed at normal priority (real-time priority refused"), std::string::npos) << basis;
  }

  auto [seen_off, ab_off, basis_off] = policies("off", {"--no-realtime"});
  EXPECT_EQ(ab_off.value("scheduling", ""), "normal") << ab_off.dump();
  EXPECT_FALSE(ab_off.contains("scheduling_note")) << "asked for, not refused";
  EXPECT_EQ(seen_off.count("2"), 0u) << "--no-realtime: every run at normal priority";
  EXPECT_GE(seen_off["0"], 6);
  EXPECT_NE(basis_off.find("timed at normal priority"), std::string::npos) << basis_off;
}

// A timed case whose threads never block, on both cores, at real-time
// priority, still leaves its runner (at the same priority) a turn to stop it
// at --timeout. This command spins on two threads only when it runs at
// SCHED_RR, so the untimed runs pass and the first timed run hangs until its
// timeout.
TEST(Ab, ARealTimeCaseThatNeverYieldsIsStoppedByItsTimeout) {
  std::string dir = test_dir("ab_realtime_hang");
  const std::string spin_when_realtime =
      "if [ \"$(cut -d' ' -f41 /proc/self/stat)\" = 2 ]; then (while :; do :; done) & while :; do :; done; fi; "
      "cat {input}";
  CommandResult r = run_membench({"ab", MEMBENCH_BINARY, MEMBENCH_BINARY, "--dataset", small_file(dir), "--shell",
                                  "--command", "spin=" + spin_when_realtime, "--pairs", "2", "--max-pairs", "2",
                                  "--warmup", "0", "--timeout", "2", "--out", dir + "/ab.json", "--reports",
                                  dir + "/reports"});
  // The first timed run is base's: it is stopped, and its side's case fails.
  json base = json::parse(read_text(dir + "/reports/base.json"));
  if (base["context"]["ab"].value("scheduling", "") != "SCHED_RR 1")
    GTEST_SKIP() << "real-time priority refused here: " << base["context"]["ab"].dump();
  EXPECT_LE(r.exit_code, 1) << r.err;
  ASSERT_EQ(base["results"].size(), 1u);
  const json& c = base["results"][0];
  EXPECT_EQ(c["status"], "failed") << c.dump();
  const std::string error = c.value("error", "");
  EXPECT_NE(error.find("--timeout 2 s"), std::string::npos) << error;
  EXPECT_NE(error.find("in a timed run of ab"), std::string::npos) << error;
}
