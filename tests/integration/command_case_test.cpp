// run --command: real programs nobody here wrote, measured as strategies.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "process_helpers.h"
#include "reliability_support.h"

using nlohmann::json;

namespace {

const std::string kMembench = MEMBENCH_BINARY;

// Lines of digits in a fixed shuffled order: sortable, hashable, countable.
std::string numbers_file(const std::string& dir, int lines) {
  std::string path = dir + "/numbers.txt";
  std::ofstream out(path);
  unsigned x = 12345;
  for (int i = 0; i < lines; ++i) {
    x = x * 1103515245u + 12345u;
    out << (x % 1000003) << " line " << i << "\n";
  }
  return path;
}

json run_report(const std::vector<std::string>& args, const std::string& dir, int expected_exit = 0) {
  std::string out = dir + "/report.json";
  std::vector<std::string> all{"run"};
  all.insert(all.end(), args.begin(), args.end());
  all.insert(all.end(), {"--out", out});
  CommandResult r = run_membench(all);
  EXPECT_EQ(r.exit_code, expected_exit) << r.err << r.out;
  if (!std::filesystem::exists(out)) return json::object();
  return json::parse(read_text(out));
}

const json& strategy_case(const json& rep, const std::string& strategy) {
  for (const json& c : rep["results"])
    if (c["strategy"] == strategy) return c;
  static const json none = json::object();
  ADD_FAILURE() << "no case for " << strategy;
  return none;
}

const std::vector<std::string> kQuickTime{"--processes", "2", "--repetitions", "1", "--warmup", "0"};

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

// sha256sum, openssl and membench's own hash strategies: one digest. Their
// output formats differ, so under --shell each prints only the hex digest.
TEST(CommandCase, Sha256sumOpensslAndMembenchHashAgree) {
  // membench itself as a command: a sanitizer build's runtime refuses the preloaded counter.
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("the sanitizer runtime must come first, before the preloaded counting library");
  std::string dir = test_dir("command_sha");
  std::string data = numbers_file(dir, 50000);
  std::vector<std::string> args{"--shell", "--dataset", data, "--phases", "memory,count"};
  std::string mb = shell_quote(kMembench);
  for (std::string c : std::vector<std::string>{"sha256sum=sha256sum {input} | cut -c1-64",
                        "openssl=openssl dgst -sha256 -r {input} | cut -c1-64",
                        "stream=" + mb + " hash --strategy stream {input} | cut -c1-64",
                        "full_read=" + mb + " hash --strategy full_read {input} | cut -c1-64",
                        "mmap=" + mb + " hash --strategy mmap {input} | cut -c1-64"})
    args.insert(args.end(), {"--command", c});
  json rep = run_report(args, dir);
  ASSERT_EQ(rep["results"].size(), 5u);
  std::string expected = sha256_hex((read_text(data)));
  std::string digest_line = sha256_hex((expected + "\n"));
  for (const json& c : rep["results"]) {
    EXPECT_EQ(c["status"], "ok") << c["id"] << ": " << c["error"];
    EXPECT_EQ(c["output_digest"], digest_line) << c["id"];
    // Every process of the tree that exits loaded the counter: the program
    // and cut (sh execs the pipeline's last command in its own process).
    EXPECT_GE(c["command"]["allocation_processes"].size(), 2u) << c["id"];
  }
  // Directly exec'd, on stdin, sha256sum and membench hash print the same bytes.
  json direct = run_report(with({"--dataset", data, "--command", "sha256sum=sha256sum", "--command",
                                 "stream=" + kMembench + " hash --strategy stream", "--command",
                                 "mmap=" + kMembench + " hash --strategy mmap"},
                                kQuickTime),
                           dir);
  for (const json& c : direct["results"]) {
    EXPECT_EQ(c["status"], "ok") << c["id"] << ": " << c["error"];
    EXPECT_EQ(c["output_digest"], sha256_hex((expected + "  -\n"))) << c["id"];
    EXPECT_EQ(c["command"]["input"], "stdin");
    // One process; a sample may have missed it when it ran for less than one interval.
    EXPECT_LE(c["command"]["memory"]["processes"].get<int>(), 1);
  }
  EXPECT_EQ(direct["context"]["workloads"]["command"]["reference_strategy"], "sha256sum");
}

// sort against sort -S 1M: one output, a smaller peak with the small buffer.
TEST(CommandCase, SortAgainstSortWithASmallBuffer) {
  std::string dir = test_dir("command_sort");
  json rep = run_report(with({"--dataset", numbers_file(dir, 300000), "--command", "sort=sort {input}", "--command",
                              "sort-S1M=sort -S 1M {input}"},
                             kQuickTime),
                        dir);
  const json& big = strategy_case(rep, "sort");
  const json& small = strategy_case(rep, "sort-S1M");
  ASSERT_EQ(big["status"], "ok") << big["error"];
  ASSERT_EQ(small["status"], "ok") << small["error"];
  EXPECT_EQ(big["output_digest"], small["output_digest"]);
  EXPECT_LT(small["memory"]["peak_rss_bytes"].get<double>(), 0.7 * big["memory"]["peak_rss_bytes"].get<double>());
  EXPECT_GT(big["allocations"]["peak_live_bytes"], small["allocations"]["peak_live_bytes"]);
  EXPECT_EQ(big["command"]["argv"][1], dir + "/numbers.txt");
}

// python3 reading a whole file against iterating over its lines.
TEST(CommandCase, PythonReadingWholeFileAgainstIterating) {
  std::string dir = test_dir("command_python");
  json rep = run_report(
      with({"--dataset", numbers_file(dir, 400000), "--command",
            "whole=/usr/bin/python3 -c 'import sys; print(open(sys.argv[1]).read().count(\"\\n\"))' {input}",
            "--command", "iterate=/usr/bin/python3 -c 'import sys; print(sum(1 for _ in open(sys.argv[1])))' {input}"},
           kQuickTime),
      dir);
  const json& whole = strategy_case(rep, "whole");
  const json& iterate = strategy_case(rep, "iterate");
  ASSERT_EQ(whole["status"], "ok") << whole["error"];
  ASSERT_EQ(iterate["status"], "ok") << iterate["error"];
  EXPECT_EQ(whole["output_digest"], sha256_hex(("400000\n")));
  double size = whole["input_bytes"].get<double>();
  // The whole file is resident at once (as text, and its decoded string).
  EXPECT_GT(whole["memory"]["peak_rss_bytes"].get<double>() - iterate["memory"]["peak_rss_bytes"].get<double>(),
            0.8 * size);
  EXPECT_GT(whole["allocations"]["peak_live_bytes"].get<double>(), size);
  EXPECT_LT(iterate["allocations"]["peak_live_bytes"].get<double>(), 0.5 * size);
  for (const json& c : {whole, iterate}) {
    EXPECT_EQ(c["time"]["processes"], 2);
    EXPECT_EQ(c["time"]["per_process"][0]["iterations"], 1);
    EXPECT_EQ(c["command"]["time"]["user_ns"].size(), 2u);
    EXPECT_GT(c["time"]["median_real_ns"].get<double>(), 0);
  }
}

TEST(CommandCase, NonZeroExitFailsWithTheLastLineOfStderr) {
  std::string dir = test_dir("command_fail");
  json rep = run_report({"--dataset", numbers_file(dir, 10), "--command", "ok=cat", "--command",
                         "bad=/bin/sh -c 'echo first >&2; echo the last words >&2; exit 3'"},
                        dir, 1);
  const json& bad = strategy_case(rep, "bad");
  EXPECT_EQ(bad["status"], "failed");
  EXPECT_NE(bad["error"].get<std::string>().find("exited with code 3 in the memory run"), std::string::npos)
      << bad["error"];
  EXPECT_NE(bad["error"].get<std::string>().find("the last words"), std::string::npos) << bad["error"];
  EXPECT_EQ(strategy_case(rep, "ok")["status"], "ok");
}

TEST(CommandCase, DifferentOutputsMismatchUnlessIgnored) {
  std::string dir = test_dir("command_mismatch");
  std::vector<std::string> args{"--dataset", numbers_file(dir, 10), "--command", "one=echo one", "--command",
                                "two=echo two", "--phases", "memory"};
  json rep = run_report(args, dir, 1);
  EXPECT_EQ(strategy_case(rep, "one")["status"], "ok");
  EXPECT_EQ(strategy_case(rep, "two")["status"], "mismatch");
  args.push_back("--ignore-output");
  json ignored = run_report(args, dir, 0);
  EXPECT_EQ(strategy_case(ignored, "two")["status"], "ok");
  EXPECT_EQ(strategy_case(ignored, "two")["command"]["stdout_sha256"], sha256_hex(("two\n")));
}

// A static program: no preloaded library sees its allocations.
TEST(CommandCase, StaticProgramHasAllocationsUnavailableNeverZero) {
  if (!std::filesystem::exists("/sbin/ldconfig")) GTEST_SKIP() << "no /sbin/ldconfig";
  std::string dir = test_dir("command_static");
  json rep = run_report({"--dataset", numbers_file(dir, 10), "--command", "ldconfig=/sbin/ldconfig --version",
                         "--phases", "memory,count"},
                        dir);
  const json& c = strategy_case(rep, "ldconfig");
  EXPECT_EQ(c["status"], "ok") << c["error"];
  EXPECT_FALSE(c.contains("allocations"));
  EXPECT_NE(c["allocations_unavailable"].get<std::string>().find("statically linked"), std::string::npos);
  CommandResult md = run_membench({"report", dir + "/report.json", "--markdown", "-"});
  EXPECT_NE(md.out.find("allocations: unavailable (/sbin/ldconfig is statically linked"), std::string::npos) << md.out;
}

TEST(CommandCase, BadCommandLinesAreRefusedWithOneLine) {
  std::string dir = test_dir("command_bad");
  std::string data = numbers_file(dir, 10);
  std::string out = dir + "/never.json";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"--command", "no-equals-sign"}, "must be NAME=COMMAND"},
      {{"--command", "x=no-such-program-here --flag"}, "program 'no-such-program-here' not found in PATH"},
      {{"--command", "x=cat", "--command", "x=sort"}, "the name is given twice"},
      {{"--command", "a/b=cat"}, "name 'a/b' must be"},
      {{"--command", "x=cat 'open"}, "unterminated single quote"},
      {{"--command", "x=sort {input} | uniq"}, "'|' is shell syntax"},
      {{"--command", "x="}, "the command is empty"},
      {{"--command", "x=/etc/passwd"}, "not an executable file"},
      {{"--command", "x=cat", "--workload", "hash"}, "is a built-in workload"},
      {{"--shell"}, "--shell applies to --command only"},
  };
  for (const auto& [args, message] : cases) {
    std::vector<std::string> all{"run", "--dataset", data, "--out", out};
    all.insert(all.end(), args.begin(), args.end());
    CommandResult r = run_membench(all);
    EXPECT_EQ(r.exit_code, 2) << message << ": " << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
  }
}

// The report of a command run reads like any other: compare, report (HTML,
// Markdown), merge of shards.
TEST(CommandCase, CompareHtmlMarkdownAndShardsWorkOnCommandReports) {
  std::string dir = test_dir("command_reports");
  std::string data = numbers_file(dir, 20000);
  std::vector<std::string> args{"--dataset", data, "--command", "sort=sort {input}", "--command", "rev=sort -r {input}",
                                "--ignore-output", "--workload", "sorting"};
  args = with(args, kQuickTime);
  std::vector<std::string> a = args, b = args;
  a.insert(a.end(), {"--shard", "1/2", "--out", dir + "/a.json"});
  b.insert(b.end(), {"--shard", "2/2", "--out", dir + "/b.json"});
  a.insert(a.begin(), "run");
  b.insert(b.begin(), "run");
  ASSERT_EQ(run_membench(a).exit_code, 0);
  ASSERT_EQ(run_membench(b).exit_code, 0);
  CommandResult merged = run_membench({"merge", dir + "/a.json", dir + "/b.json", "-o", dir + "/all.json"});
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  json all = json::parse(read_text(dir + "/all.json"));
  ASSERT_EQ(all["results"].size(), 2u);
  EXPECT_EQ(strategy_case(all, "rev")["command"]["line"], "sort -r {input}");
  CommandResult cmp = run_membench({"compare", dir + "/all.json", dir + "/all.json"});
  EXPECT_EQ(cmp.exit_code, 0) << cmp.err;
  EXPECT_NE(cmp.out.find("sorting/rev/"), std::string::npos) << cmp.out;
  CommandResult html = run_membench({"report", dir + "/all.json", "-o", dir + "/all.html", "--markdown", dir + "/all.md"});
  ASSERT_EQ(html.exit_code, 0) << html.err;
  EXPECT_NE(read_text(dir + "/all.html").find("sort -r {input}"), std::string::npos);
  EXPECT_NE(read_text(dir + "/all.md").find("- `rev`: `sort -r {input}`"), std::string::npos);
}

// --scale fits peak RSS against input size for commands too: python's whole
// read grows with the input, iterating does not.
TEST(CommandCase, ScaleFitsCommands) {
  std::string dir = test_dir("command_scale");
  json rep = run_report({"--scale", "--phases", "memory", "--command",
                         "whole=/usr/bin/python3 -c 'import sys; open(sys.argv[1], \"rb\").read()' {input}",
                         "--command", "iterate=/usr/bin/python3 -c 'import sys; sum(1 for _ in open(sys.argv[1], \"rb\"))' {input}"},
                        dir);
  bool saw_whole = false;
  for (const json& f : rep["scaling"]) {
    if (f["metric"] != "memory.peak_rss_delta_bytes") continue;
    if (f["strategy"] == "whole") {
      saw_whole = true;
      EXPECT_EQ(f["class"], "O(n)") << f.dump();
      EXPECT_GT(f["slope"].get<double>(), 0.8);
    } else {
      // Python's own peak drifts by about 1% of the input on some runs (8.35 to
      // 8.57 MiB over 1 to 16 MiB), either side of the O(1) bound of 0.01 byte
      // per input byte: what must hold is that it grows far slower than `whole`.
      EXPECT_LT(f["slope"].get<double>(), 0.1) << f.dump();
    }
  }
  EXPECT_TRUE(saw_whole) << rep["scaling"].dump();
}

// ab takes the same commands for both builds.
TEST(CommandCase, AbJudgesCommandCases) {
  std::string dir = test_dir("command_ab");
  std::string data = numbers_file(dir, 2000);
  CommandResult r = run_membench({"ab", kMembench, kMembench, "--dataset", data, "--command", "cat=cat {input}",
                                  "--pairs", "6", "--warmup", "0", "--out", dir + "/ab.json"});
  EXPECT_LE(r.exit_code, 1) << r.err;
  json ab = json::parse(read_text(dir + "/ab.json"));
  EXPECT_NE(ab.dump().find("command/cat/"), std::string::npos);
  EXPECT_TRUE(ab.value("paired", false)) << ab.dump().substr(0, 400);
  // A command's CPU time is its user + system time (docs/time-gate.md); a
  // command too short to register any gets no CPU verdict, with the reason.
  for (const json& c : ab["cases"])
    for (const json& m : c["metrics"])
      if (m["metric"] == "time.median_real_ns") {
        EXPECT_TRUE(m.contains("decided_by")) << m.dump();
        if (m.contains("cpu")) EXPECT_EQ(m["cpu"]["clock"], "children");
        else EXPECT_TRUE(m.contains("cpu_unavailable")) << m.dump();
      }
}

// --cachegrind on a command counts the whole program under Valgrind: sorting
// ten times the lines executes more instructions, and a program that fails
// under Valgrind costs only its figure, with the reason.
TEST(CommandCase, CachegrindCountsTheWholeProgram) {
  if (run_shell("command -v valgrind").exit_code != 0) GTEST_SKIP() << "valgrind is not installed";
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("a sanitizer build refuses --cachegrind");
  std::string dir = test_dir("command_cachegrind");
  std::string small = numbers_file(dir, 200);
  std::string large = dir + "/large.txt";
  {
    std::ofstream out(large);
    for (int i = 0; i < 10; ++i) out << read_text(small);
  }
  std::vector<std::string> args{"--command", "sort=sort {input}", "--command", "fails=false", "--ignore-output",
                                "--dataset", small, "--dataset", large, "--phases", "count", "--cachegrind"};
  json rep = run_report(args, dir, 1);  // `false` fails its case
  std::map<std::string, double> instructions;
  for (const json& c : rep["results"]) {
    if (c["strategy"] == "fails") {
      EXPECT_EQ(c["status"], "failed") << c.dump();
      continue;
    }
    ASSERT_TRUE(c.contains("cachegrind")) << c["extra"].dump();
    EXPECT_GT(c["cachegrind"]["instructions"].get<double>(), 0) << c["id"];
    EXPECT_LE(c["cachegrind"]["d1_misses"].get<double>(), c["cachegrind"]["instructions"].get<double>());
    instructions[c["dataset"].get<std::string>()] = c["cachegrind"]["instructions"].get<double>();
  }
  ASSERT_EQ(instructions.size(), 2u);
  EXPECT_GT(instructions["file:large.txt"], instructions["file:numbers.txt"]);
}
