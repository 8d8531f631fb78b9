// heaptrack as an independent witness: its figures for a case, less a
// do-nothing calibration run, agree with membench's own counter.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "process_helpers.h"

using nlohmann::json;

namespace {

bool have_heaptrack() { return run_shell("command -v heaptrack_print").exit_code == 0; }

std::string mixed_input(const std::string& dir) {
  // Words, commas and lines: every workload below can read it.
  std::string path = dir + "/mixed.txt";
  std::ofstream out(path);
  for (int i = 0; i < 2000; ++i)
    out << "alpha,beta gamma," << i << ",delta epsilon_" << (i % 37) << ",a very long field with many words " << i
        << "\n";
  return path;
}

json run_heaptracked(const std::string& name, const std::string& allocator) {
  std::string dir = test_dir(name);
  std::string out = dir + "/report.json";
  CommandResult r = run_membench({"run", "--heaptrack", "--filter", "^(hash/stream|tokenize/std_string|fields/vector)/",
                                  "--dataset", mixed_input(dir), "--allocator", allocator, "--repetitions", "1",
                                  "--min-time", "0.01", "--out", out});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(read_text(out));
}

void expect_agreement(const json& rep) {
  ASSERT_EQ(rep["results"].size(), 3u);
  for (const json& c : rep["results"]) {
    ASSERT_TRUE(c.contains("heaptrack")) << c["id"];
    const json& h = c["heaptrack"];
    ASSERT_FALSE(h.contains("error")) << c["id"] << ": " << h.value("error", "");
    EXPECT_TRUE(h["agrees"].get<bool>()) << c["id"] << ": " << h.value("disagreement", "");
    EXPECT_EQ(h["calls"], c["allocations"]["count"]) << c["id"];
    EXPECT_EQ(h["temporary"], c["allocations"]["temporary"]) << c["id"];
    EXPECT_GT(c["allocations"]["count"].get<int>(), 0) << c["id"];
    EXPECT_TRUE(std::filesystem::exists(h["recording"].get<std::string>())) << c["id"];
    EXPECT_TRUE(h["raw"].contains("calibration"));
  }
}

}  // namespace

TEST(Heaptrack, AgreesWithTheCounterOnThreeWorkloads) {
  if (!have_heaptrack()) GTEST_SKIP() << "heaptrack is not installed";
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("heaptrack cannot be preloaded before ASan, and the counter it is checked against is compiled out");
  expect_agreement(run_heaptracked("heaptrack_glibc", "glibc"));
}

// jemalloc exports its own operator new; membench's operator new forwarding
// to malloc is what keeps C++ allocations visible to heaptrack there.
TEST(Heaptrack, SeesCppAllocationsUnderJemalloc) {
  if (!have_heaptrack()) GTEST_SKIP() << "heaptrack is not installed";
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("heaptrack cannot be preloaded before ASan, and the counter it is checked against is compiled out");
  json rep = run_heaptracked("heaptrack_jemalloc", "jemalloc");
  expect_agreement(rep);
  for (const json& c : rep["results"])
    if (c["strategy"] == "std_string") {
      EXPECT_GT(c["heaptrack"]["calls"].get<int>(), 100);
    }
}

// heaptrack compresses with zstd only when the zstd program is installed,
// and with gzip otherwise (a fresh machine without zstd): the recording is
// then a .gz file, and the figures are read from it all the same.
TEST(Heaptrack, WithoutZstdTheRecordingIsGzip) {
  if (!have_heaptrack()) GTEST_SKIP() << "heaptrack is not installed";
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("heaptrack cannot be preloaded before ASan, and the counter it is checked against is compiled out");
  std::string dir = test_dir("heaptrack_gzip");
  // Every program of /usr/bin but zstd (Debian's /bin is /usr/bin).
  std::filesystem::path bin = std::filesystem::path(dir) / "bin";
  std::filesystem::create_directories(bin);
  for (const auto& entry : std::filesystem::directory_iterator("/usr/bin")) {
    std::string name = entry.path().filename().string();
    if (name != "zstd") std::filesystem::create_symlink(entry.path(), bin / name);
  }
  std::string out = dir + "/report.json";
  CommandResult r = run_membench({"run", "--heaptrack", "--filter", "^tokenize/std_string/", "--dataset",
                                  mixed_input(dir), "--repetitions", "1", "--min-time", "0.01", "--out", out},
                                 "PATH=" + shell_quote(bin.string()) + " ");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json rep = json::parse(read_text(out));
  ASSERT_EQ(rep["results"].size(), 1u);
  const json& h = rep["results"][0]["heaptrack"];
  ASSERT_FALSE(h.contains("error")) << h.value("error", "");
  std::string recording = h["recording"];
  EXPECT_TRUE(recording.ends_with(".gz")) << recording;
  EXPECT_TRUE(std::filesystem::exists(recording)) << recording;
  EXPECT_TRUE(h["agrees"].get<bool>()) << h.value("disagreement", "");
}
