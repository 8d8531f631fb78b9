// ab's adaptive pairs (runner/ab.h): a case gets --pairs more pairs while
// the callback asks for them, up to max_pairs, and the base, head, head,
// base order goes on across the batches. The real binary plays both sides;
// the callback is scripted, so the number of pairs is known.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "report/json.h"
#include "runner/ab.h"

namespace membench::runner {
namespace {

struct AbFixture {
  std::filesystem::path dir;
  AbBuild build;
  AbOptions options;
  explicit AbFixture(const std::string& name) {
    dir = std::filesystem::temp_directory_path() / ("membench-ab-more-pairs-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const std::string input = (dir / "input.txt").string();
    std::ofstream(input) << std::string(20000, 'x') << '\n';
    build.spec = build.executable = MEMBENCH_BINARY;
    options.selection = {"--filter", "^hash/stream/", "--dataset", input};
    options.measurement = {"--repetitions", "1", "--min-time", "0.001", "--warmup", "0"};
    options.work_dir = dir.string();
    options.pairs = 2;
    options.max_pairs = 6;
  }
  ~AbFixture() { std::filesystem::remove_all(dir); }
};

TEST(AbMorePairs, ACaseGetsAnotherBatchWhileTheCallbackAsks) {
  AbFixture f("once");
  std::vector<std::size_t> asked_with;
  f.options.more_pairs = [&](const std::string&, const AbOptions::CasePairs& timed) {
    EXPECT_EQ(timed.cpu.size(), timed.real.size());
    asked_with.push_back(timed.real.size());
    return asked_with.size() == 1;  // one more batch, then settled
  };
  AbResult r = run_ab(f.build, f.build, f.options, {});
  ASSERT_EQ(r.pairs.size(), 1u);
  const auto& [id, pairs] = *r.pairs.begin();
  EXPECT_EQ(pairs.size(), 4u) << id;
  EXPECT_EQ(asked_with, (std::vector<std::size_t>{2, 4}));
  EXPECT_EQ(r.same_build.at(id).size(), 3u);  // one between each two pairs
  // Peak RSS is paired on the first batch only: the pairs added for time carry no memory run.
  EXPECT_EQ(r.peak_rss.at(id).size(), 2u);
  // CPU time is paired like real time, from the same processes.
  EXPECT_EQ(r.cpu_pairs.at(id).size(), 4u);
  EXPECT_EQ(r.cpu_same_build.at(id).size(), 3u);
  for (const auto& [b, h] : r.cpu_pairs.at(id)) EXPECT_TRUE(b > 0 && h > 0);
  // Every thread of the case process, not only the benchmarking one.
  EXPECT_EQ(r.base.results.at(0).time->cpu_clock, "process");
  EXPECT_EQ(r.base.results.at(0).time->per_process.size(), 4u);
  EXPECT_EQ(r.head.results.at(0).time->per_process.size(), 4u);
}

// The report of the last timed process of each side stays in the work directory.
report::Report last_timed(const AbFixture& f, const char* side) {
  return report::read_report_file((f.dir / (std::string(side) + "-timed.json")).string());
}

TEST(AbMorePairs, AddedPairsMakeNoMemoryRun) {
  AbFixture f("time-only");
  f.options.more_pairs = [](const std::string&, const AbOptions::CasePairs& timed) { return timed.real.size() < 4; };
  AbResult r = run_ab(f.build, f.build, f.options, {});
  ASSERT_EQ(r.pairs.size(), 1u);
  EXPECT_EQ(r.pairs.begin()->second.size(), 4u);
  EXPECT_EQ(r.peak_rss.begin()->second.size(), 2u);
  for (const char* side : {"base", "head"}) {
    report::Report last = last_timed(f, side);
    ASSERT_EQ(last.results.size(), 1u) << side;
    EXPECT_TRUE(last.results[0].time.has_value()) << side;
    EXPECT_FALSE(last.results[0].memory.has_value()) << side;
  }
}

TEST(AbMorePairs, TimedMemoryRunsOfAStrategySampleOnceASecond) {
  AbFixture f("sampling");
  f.options.sample_interval = "2";
  AbResult r = run_ab(f.build, f.build, f.options, {});
  ASSERT_EQ(r.peak_rss.begin()->second.size(), 2u);
  for (const char* side : {"base", "head"}) {
    report::Report last = last_timed(f, side);
    ASSERT_EQ(last.results.size(), 1u) << side;
    EXPECT_TRUE(last.results[0].memory.has_value()) << side;
    EXPECT_EQ(last.context.at("sample_interval_ms"), 1000.0) << side;
  }
  // The memory and counting runs keep the interval asked for.
  EXPECT_EQ(r.base.context.at("sample_interval_ms"), 2.0);
  EXPECT_EQ(r.head.context.at("sample_interval_ms"), 2.0);
}

TEST(AbMorePairs, NeverBeyondMaxPairs) {
  AbFixture f("max");
  int asked = 0;
  f.options.more_pairs = [&](const std::string&, const AbOptions::CasePairs&) {
    ++asked;
    return true;
  };
  AbResult r = run_ab(f.build, f.build, f.options, {});
  ASSERT_EQ(r.pairs.size(), 1u);
  EXPECT_EQ(r.pairs.begin()->second.size(), 6u);
  EXPECT_EQ(asked, 2);  // after 2 and after 4 pairs; at 6 there is no room left
}

TEST(AbMorePairs, WithoutACallbackTheCaseKeepsItsPairs) {
  AbFixture f("none");
  AbResult r = run_ab(f.build, f.build, f.options, {});
  ASSERT_EQ(r.pairs.size(), 1u);
  EXPECT_EQ(r.pairs.begin()->second.size(), 2u);
}

}  // namespace
}  // namespace membench::runner
