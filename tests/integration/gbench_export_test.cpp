// `run --gbench-json` is read by Google Benchmark's own compare.py (Debian's
// libbenchmark-tools, installed by scripts/install-deps.sh): the per-repetition
// times and the median it sees are the ones in membench's report, and it runs
// its U test on them.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

#include "process_helpers.h"

namespace {

using nlohmann::json;

constexpr const char* kCompareTool = "/usr/share/benchmark/compare.py";

json load(const std::string& path) { return json::parse(read_text(path)); }

}  // namespace

TEST(GbenchExport, GoogleBenchmarksCompareToolReadsIt) {
  ASSERT_TRUE(std::filesystem::exists(kCompareTool)) << "libbenchmark-tools missing: run scripts/install-deps.sh";
  std::string dir = test_dir("gbench_export");
  for (const char* side : {"old", "new"}) {
    CommandResult r = run_membench({"run", "--filter", "^hash/(stream|mmap)/", "--dataset", "text-1MiB",
                                    "--processes", "1", "--repetitions", "3", "--min-time", "0.01", "--out",
                                    dir + "/" + side + ".json", "--gbench-json", dir + "/" + side + ".gbench.json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // The system interpreter: the tool needs Debian's python3-scipy.
  CommandResult cmp = run_shell("/usr/bin/python3 " + std::string(kCompareTool) + " --no-color -d " +
                                shell_quote(dir + "/comparison.json") + " benchmarks " +
                                shell_quote(dir + "/old.gbench.json") + " " + shell_quote(dir + "/new.gbench.json"));
  ASSERT_EQ(cmp.exit_code, 0) << cmp.err << cmp.out;
  EXPECT_NE(cmp.out.find("OVERALL_GEOMEAN"), std::string::npos) << cmp.out;

  json old_report = load(dir + "/old.json"), new_report = load(dir + "/new.json");
  json comparison = load(dir + "/comparison.json");
  ASSERT_EQ(old_report["results"].size(), 2u);
  for (std::size_t i = 0; i < old_report["results"].size(); ++i) {
    const json& before = old_report["results"][i];
    const json& after = new_report["results"][i];
    std::string id = before["id"];
    bool saw_runs = false, saw_median = false;
    for (const json& entry : comparison) {
      if (entry["name"] == id) {
        saw_runs = true;
        ASSERT_EQ(entry["measurements"].size(), 3u) << id;
        for (std::size_t k = 0; k < 3; ++k) {
          EXPECT_NEAR(entry["measurements"][k]["real_time"].get<double>(), before["time"]["real_ns"][k].get<double>(),
                      1e-3)
              << id;
          EXPECT_NEAR(entry["measurements"][k]["real_time_other"].get<double>(),
                      after["time"]["real_ns"][k].get<double>(), 1e-3)
              << id;
        }
        ASSERT_TRUE(entry["utest"].is_object()) << id;
        EXPECT_GE(entry["utest"]["time_pvalue"].get<double>(), 0.0) << id;
        EXPECT_LE(entry["utest"]["time_pvalue"].get<double>(), 1.0) << id;
      } else if (entry["name"] == id + "_median") {
        saw_median = true;
        EXPECT_NEAR(entry["measurements"][0]["real_time"].get<double>(),
                    before["time"]["median_real_ns"].get<double>(), 1e-3)
            << id;
      }
    }
    EXPECT_TRUE(saw_runs) << id;
    EXPECT_TRUE(saw_median) << id;
  }
}
