// Budgets and the leak gate on real runs (docs/budgets.md): the shipped
// budgets file fails a hash/stream whose memory grows with its input, a leak
// fails the run with its site named, a suppressed leak passes and is listed,
// and a bad budgets file is refused before anything runs. No figure here
// depends on the machine's speed: peak RSS and allocation counts only.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <regex>

#include "process_helpers.h"

namespace {

using nlohmann::json;

std::string source_root() { return std::filesystem::path(MEMBENCH_TEST_SOURCE_DIR).parent_path().string(); }
std::string shipped_budgets() { return source_root() + "/budgets/default.budgets"; }
std::string shipped_suppressions() { return source_root() + "/budgets/default.supp"; }

std::string text_file(const std::string& dir, const std::string& name, const std::string& text) {
  std::string path = dir + "/" + name;
  std::ofstream(path) << text;
  return path;
}

const json* case_of(const json& rep, const std::string& prefix) {
  for (const json& c : rep["results"])
    if (c["id"].get<std::string>().rfind(prefix, 0) == 0) return &c;
  return nullptr;
}

TEST(Budgets, MakeBenchRunsWithTheShippedBudgets) {
  // The bench target's recipe, as make would run it.
  std::string makefile = read_text(source_root() + "/Makefile");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(makefile, m, std::regex("\nbench:[^\n]*\n((\t[^\n]*\n)+)"))) << makefile;
  EXPECT_NE(m[1].str().find("run --budgets budgets/default.budgets --suppressions budgets/default.supp"), std::string::npos) << m[1].str();
}

TEST(Budgets, ShippedBudgetsFailAStreamWhoseMemoryGrowsWithItsInput) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("RSS includes shadow memory");
  std::string dir = test_dir("budgets_stream");
  const std::vector<std::string> args = {"run", "--filter", "^hash/stream/", "--dataset", "text-1MiB", "--phases",
                                         "memory,count", "--budgets", shipped_budgets(), "--suppressions",
                                         shipped_suppressions()};
  auto with_out = [&](const std::string& name) {
    std::vector<std::string> a = args;
    a.insert(a.end(), {"--out", dir + "/" + name + ".json", "--markdown", dir + "/" + name + ".md", "--html",
                       dir + "/" + name + ".html"});
    return a;
  };
  CommandResult held = run_membench(with_out("held"));
  ASSERT_EQ(held.exit_code, 0) << held.err << held.out;
  EXPECT_NE(held.out.find("budgets: 2 budget checks on 1 case: all within budget"), std::string::npos) << held.out;

  // The same binary, its buffer grown to the input's size (1 MiB).
  CommandResult grown = run_membench(with_out("grown"), "MEMBENCH_INJECT_RSS_PER_INPUT_BYTE=1 ");
  EXPECT_EQ(grown.exit_code, 1) << grown.err << grown.out;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(grown.out, m,
                                std::regex("over budget: hash/stream/text-1MiB/glibc: peak RSS Δ [0-9.]+ [KM]iB > "
                                           "limit 64.0 KiB \\(memory.peak_rss_delta_bytes, registration\\)")))
      << grown.out;
  json rep = json::parse(read_text(dir + "/grown.json"));
  EXPECT_NE(rep["context"]["injected_regression"].get<std::string>().find("MEMBENCH_INJECT_RSS_PER_INPUT_BYTE"),
            std::string::npos);
  const json* c = case_of(rep, "hash/stream/");
  ASSERT_TRUE(c);
  EXPECT_EQ((*c)["budget"]["verdict"], "over budget");
  bool named = false;
  for (const json& k : (*c)["budget"]["checks"])
    if (k["metric"] == "memory.peak_rss_delta_bytes") {
      named = true;
      EXPECT_TRUE(k["over"].get<bool>());
      EXPECT_EQ(k["limit"], 65536);
      EXPECT_EQ(k["value"], (*c)["memory"]["peak_rss_delta_bytes"]);
      EXPECT_GT(k["value"].get<double>(), 512.0 * 1024);  // most of the 1 MiB input
    }
  EXPECT_TRUE(named);
  EXPECT_NE(read_text(dir + "/grown.md").find("| `hash/stream/text-1MiB/glibc` | **over budget** | peak RSS Δ |"),
            std::string::npos);
  EXPECT_NE(read_text(dir + "/grown.html").find("over budget</span> peak RSS Δ"), std::string::npos);

  // compare judges the head report against the same budgets, without a baseline of its own.
  CommandResult cmp = run_membench({"compare", dir + "/held.json", dir + "/grown.json", "--budgets", shipped_budgets(),
                                    "--out", dir + "/cmp.json"});
  EXPECT_EQ(cmp.exit_code, 1) << cmp.err << cmp.out;
  EXPECT_NE(cmp.out.find("over budget: hash/stream/text-1MiB/glibc"), std::string::npos) << cmp.out;
  EXPECT_EQ(json::parse(read_text(dir + "/cmp.json"))["budgets"]["cases_over_budget"], 1);
}

TEST(Budgets, ALeakFailsTheRunWithItsSiteNamed) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("the allocation counter is compiled out");
  std::string dir = test_dir("budgets_leak");
  CommandResult r = run_membench({"run", "--filter", "^selftest/leak/", "--dataset", "text-1MiB", "--phases",
                                  "count", "--budgets", shipped_budgets(), "--out", dir + "/r.json"});
  EXPECT_EQ(r.exit_code, 1) << r.err << r.out;
  EXPECT_NE(r.out.find("over budget: selftest/leak/text-1MiB/glibc: leaked 1.00 MiB > limit 0 B "
                       "(allocations.leaked_bytes, " + shipped_budgets() + ":"),
            std::string::npos)
      << r.out;
  // The site where the strategy allocates (paths as the build recorded them).
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\n  leaked 1.00 MiB at membench::selftest::\\(anonymous "
                                                  "namespace\\)::leak \\((\\.\\./)?strategies/selftest_faults.cpp:[0-9]+\\)\n")))
      << r.out;
}

TEST(Budgets, ASuppressedLeakPassesAndIsListed) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("the allocation counter is compiled out");
  std::string dir = test_dir("budgets_suppressed");
  std::string supp = text_file(dir, "known.supp", "# the selftest leaks on purpose\nleak:selftest_faults.cpp\n");
  CommandResult r = run_membench({"run", "--filter", "^selftest/leak/", "--dataset", "text-1MiB", "--phases",
                                  "count", "--budgets", shipped_budgets(), "--suppressions", supp, "--out",
                                  dir + "/r.json", "--markdown", dir + "/r.md", "--html", dir + "/r.html"});
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  const std::string listed = "leak suppressed: selftest/leak/text-1MiB/glibc: 1.00 MiB at "
                             "membench::selftest::(anonymous namespace)::leak (";
  EXPECT_NE(r.out.find(listed), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("suppressed by leak:selftest_faults.cpp (" + supp + ":2)"), std::string::npos) << r.out;
  json c = json::parse(read_text(dir + "/r.json"))["results"][0];
  EXPECT_EQ(c["budget"]["verdict"], "within budget");
  EXPECT_EQ(c["budget"]["leaks"][0]["bytes"], 1 << 20);
  EXPECT_EQ(c["budget"]["leaks"][0]["suppressed_by"], "leak:selftest_faults.cpp (" + supp + ":2)");
  EXPECT_EQ(c["allocations"]["leaked_bytes"], 1 << 20);  // the figure itself is never changed
  EXPECT_NE(read_text(dir + "/r.md").find("leak suppressed: 1.00 MiB at"), std::string::npos);
  EXPECT_NE(read_text(dir + "/r.html").find("leak suppressed</span> 1.00 MiB at"), std::string::npos);
}

TEST(Budgets, ABadBudgetsFileIsRefusedNamingFileAndLine) {
  std::string dir = test_dir("budgets_bad");
  std::string bad = text_file(dir, "bad.budgets", "# ok\n^hash/ memory.peak_rss_delta_bytes <= 64 KiB\n");
  CommandResult r = run_membench({"run", "--filter", "^hash/stream/", "--dataset", "text-1MiB", "--budgets", bad,
                                  "--out", dir + "/r.json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "membench: " + bad + ":2: expected PATTERN METRIC <= VALUE (or >=), found 5 words\n");
  EXPECT_FALSE(std::filesystem::exists(dir + "/r.json"));
  std::string supp = text_file(dir, "bad.supp", "leak:ok\nrace:nope\n");
  r = run_membench({"run", "--filter", "^hash/stream/", "--budgets", shipped_budgets(), "--suppressions", supp,
                    "--out", dir + "/r.json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(supp + ":2: expected leak:PATTERN"), std::string::npos) << r.err;
}

}  // namespace
