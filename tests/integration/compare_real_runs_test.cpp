// compare on real runs: two runs of the same build are judged equal on every
// deterministic and memory figure; one run against itself with one case made
// worse is caught.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "process_helpers.h"

using nlohmann::json;

namespace {

std::string run_suite(const std::string& dir, const std::string& name) {
  std::string out = dir + "/" + name + ".json";
  CommandResult r = run_membench({"run", "--filter", "^(hash/(stream|full_read)|tokenize/(std_string|string_view))/",
                                  "--dataset", "text-1MiB", "--repetitions", "5", "--min-time", "0.01", "--out", out});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return out;
}

}  // namespace

// Times on a shared machine move by more than any fixed threshold between
// two runs, so this A/A test leaves time to the unit tests (synthetic noise)
// and judges what must not move: allocations exactly, RSS within 5% + 256 KiB.
TEST(CompareRealRuns, TwoRunsOfTheSameBuildHaveNoRegression) {
  std::string dir = test_dir("compare_aa");
  std::string a = run_suite(dir, "a"), b = run_suite(dir, "b");
  std::string thresholds = dir + "/thresholds.json";
  std::ofstream(thresholds) << R"({"overrides": [{"pattern": ".", "metric": ["time", "throughput"], "ignore": true}]})";
  CommandResult r = run_membench({"compare", a, b, "--thresholds", thresholds});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  if (sanitizer_build()) return;  // no allocation figures to compare there
  json ja = json::parse(read_text(a)), jb = json::parse(read_text(b));
  ASSERT_EQ(ja["results"].size(), jb["results"].size());
  for (std::size_t i = 0; i < ja["results"].size(); ++i)
    EXPECT_EQ(ja["results"][i]["allocations"], jb["results"][i]["allocations"]) << ja["results"][i]["id"];
}

TEST(CompareRealRuns, OneMoreAllocationInARealReportIsCaught) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("the allocation counter is compiled out");
  std::string dir = test_dir("compare_real_worse");
  std::string a = run_suite(dir, "a");
  json j = json::parse(read_text(a));
  j["results"][0]["allocations"]["count"] = j["results"][0]["allocations"]["count"].get<int>() + 1;
  // The sites add up to the count (the reader checks it): the extra allocation is the top site's.
  if (j["results"][0]["allocations"].contains("sites")) {
    json& top = j["results"][0]["allocations"]["sites"]["entries"][0];
    top["count"] = top["count"].get<int>() + 1;
  }
  std::string b = dir + "/worse.json";
  std::ofstream(b) << j.dump();
  CommandResult r = run_membench({"compare", a, b});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find(j["results"][0]["id"].get<std::string>()), std::string::npos);
  EXPECT_NE(r.out.find("allocations.count"), std::string::npos);
}
