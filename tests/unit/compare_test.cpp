#include "analyze/compare.h"
#include "render/compare_text.h"
#include "render/html_compare.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "../common/report_builders.h"

namespace {

using membench::analyze::compare_reports;
using membench::analyze::Comparison;
using membench::analyze::parse_thresholds;
using membench::analyze::ThresholdError;
using membench::analyze::Thresholds;
using membench::analyze::PairedTimes;
using membench::analyze::Verdict;
using membench::report::CaseResult;
using membench::report::Report;
using membench::report::Status;
using membench::test::with_allocations;
using membench::test::with_memory;
using membench::test::with_time;
using nlohmann::json;

// Real times around `median_ns`, spread by `spread` (a fraction) in a fixed pattern.
std::vector<double> times(double median_ns, int repetitions, double spread, double phase = 0) {
  static const double pattern[] = {0, -1, 1, -0.5, 0.5, -0.75, 0.75, -0.25, 0.25, 0.9};
  std::vector<double> out;
  for (int i = 0; i < repetitions; ++i)
    out.push_back(median_ns * (1 + spread * pattern[(i + static_cast<int>(phase)) % 10]));
  return out;
}

// Each value is the one repetition of its own timed process, so these are
// the per-process samples the time verdict is judged on.
void set_times(CaseResult& c, std::vector<double> real) {
  with_time(c, real);
  for (double v : real) c.time->per_process.push_back({{v}, {v}, 10});
}

CaseResult make_case(const std::string& workload, const std::string& strategy, double median_ns = 1e6,
                     int repetitions = 7, std::uint64_t allocations = 100, std::uint64_t rss_delta = 4 << 20) {
  CaseResult c = membench::test::make_case(workload, strategy);
  set_times(c, times(median_ns, repetitions, 0.02));
  with_memory(c, 8 << 20, rss_delta);
  with_allocations(c, allocations, allocations * 64, allocations * 32, allocations / 10);
  return c;
}

Report make_report() {
  Report r;
  r.context = {{"git_commit", "abc"}};
  r.results.push_back(make_case("hash", "full_read", 2e6));
  r.results.push_back(make_case("hash", "stream", 3e6, 7, 5));
  r.results.push_back(make_case("hash", "mmap", 2.5e6, 7, 4));
  r.results.push_back(make_case("tokenize", "std_string", 8e6, 7, 40000));
  r.results.push_back(make_case("tokenize", "arena", 5e6, 7, 12));
  return r;
}

CaseResult& find(Report& r, const std::string& strategy) {
  for (CaseResult& c : r.results)
    if (c.strategy == strategy) return c;
  throw std::runtime_error("no case " + strategy);
}

const membench::analyze::CaseComparison& find(const Comparison& c, const std::string& id) {
  for (const auto& cc : c.cases)
    if (cc.id == id) return cc;
  throw std::runtime_error("no case " + id);
}

const membench::analyze::MetricChange& metric(const membench::analyze::CaseComparison& cc, const std::string& name) {
  for (const auto& m : cc.metrics)
    if (name == m.metric->name) return m;
  throw std::runtime_error("no metric " + name);
}

TEST(Compare, IdenticalReportsHaveNoRegression) {
  Report base = make_report();
  Comparison c = compare_reports(base, base);
  EXPECT_EQ(c.cases.size(), base.results.size());
  EXPECT_FALSE(c.has_regression());
  for (const auto& cc : c.cases) {
    EXPECT_FALSE(cc.changed()) << cc.id;
    for (const auto& m : cc.metrics) EXPECT_EQ(m.verdict, Verdict::unchanged) << cc.id << " " << m.metric->name;
  }
}

TEST(Compare, AANoiseWithinThresholdsIsNoRegression) {
  Report base = make_report(), head = make_report();
  // Another run of the same code: times shuffled and shifted by up to 3 %, RSS by 3 %.
  double shift = -0.03;
  for (CaseResult& c : head.results) {
    set_times(c, times(c.time->median_real_ns * (1 + shift), 7, 0.03, 3));
    c.memory->peak_rss_delta_bytes = static_cast<std::uint64_t>(static_cast<double>(c.memory->peak_rss_delta_bytes) * (1 - shift));
    shift += 0.015;
  }
  Comparison c = compare_reports(base, head);
  EXPECT_FALSE(c.has_regression());
  EXPECT_EQ(c.regression_count(), 0);
  std::string text = membench::render::format_terminal(c, false);
  EXPECT_NE(text.find("no regression"), std::string::npos) << text;
}

TEST(Compare, OneMoreAllocationIsExactlyOneRegression) {
  Report base = make_report(), head = make_report();
  find(head, "stream").allocations->count += 1;
  Comparison c = compare_reports(base, head);
  EXPECT_EQ(c.regression_count(), 1);
  EXPECT_EQ(c.regressed_case_count(), 1);
  ASSERT_FALSE(c.cases.empty());
  // Regressions sort first.
  const auto& first = c.cases.front();
  EXPECT_EQ(first.id, "hash/stream/text-1MiB/glibc");
  int regressed = 0;
  for (const auto& m : first.metrics)
    if (m.verdict == Verdict::regressed) {
      ++regressed;
      EXPECT_STREQ(m.metric->name, "allocations.count");
      EXPECT_DOUBLE_EQ(m.delta, 1);
    }
  EXPECT_EQ(regressed, 1);
  for (std::size_t i = 1; i < c.cases.size(); ++i) EXPECT_EQ(c.cases[i].regression_count(), 0) << c.cases[i].id;
  std::string md = membench::render::format_markdown(c);
  EXPECT_NE(md.find("hash/stream/text-1MiB/glibc"), std::string::npos);
  EXPECT_NE(md.find("allocations.count"), std::string::npos);
}

TEST(Compare, FewerAllocationsIsAnImprovement) {
  Report base = make_report(), head = make_report();
  find(head, "arena").allocations->peak_live_bytes -= 1;
  Comparison c = compare_reports(base, head);
  EXPECT_FALSE(c.has_regression());
  EXPECT_EQ(metric(find(c, "tokenize/arena/text-1MiB/glibc"), "allocations.peak_live_bytes").verdict,
            Verdict::improved);
}

TEST(Compare, SlowedCaseWithEnoughRepetitionsIsCaught) {
  Report base = make_report(), head = make_report();
  CaseResult& slow = find(head, "full_read");
  set_times(slow, times(slow.time->median_real_ns * 1.20, 7, 0.02, 5));
  Comparison c = compare_reports(base, head);
  const auto& cc = find(c, slow.id);
  const auto& t = metric(cc, "time.median_real_ns");
  EXPECT_EQ(t.verdict, Verdict::regressed);
  ASSERT_TRUE(t.p_value.has_value());
  EXPECT_LT(*t.p_value, 0.05);
  EXPECT_FALSE(t.threshold_only);
  EXPECT_EQ(metric(cc, "throughput.bytes_per_second").verdict, Verdict::regressed);
  EXPECT_EQ(c.regressed_case_count(), 1);
}

TEST(Compare, NoisyChangeWithoutSignificanceIsNotARegression) {
  Report base = make_report(), head = make_report();
  CaseResult& b = find(base, "mmap");
  CaseResult& h = find(head, "mmap");
  // Very noisy processes: the medians differ by about 8 %, the samples overlap.
  set_times(b, {100, 150, 80, 120, 95, 130, 70});
  set_times(h, {110, 160, 78, 125, 103, 140, 75});
  ASSERT_GT(h.time->median_real_ns / b.time->median_real_ns, 1.05);
  Comparison c = compare_reports(base, head);
  const auto& t = metric(find(c, h.id), "time.median_real_ns");
  EXPECT_NE(t.verdict, Verdict::regressed) << t.note;
  ASSERT_TRUE(t.p_value.has_value());
  EXPECT_GE(*t.p_value, 0.05);
  // The spread between processes is wider than the change: the floor says so.
  ASSERT_TRUE(t.noise_floor.has_value());
  EXPECT_GT(*t.noise_floor, 0.08);
  EXPECT_FALSE(c.has_regression());
}

TEST(Compare, FewProcessesAreNeverJudgedAndSaySo) {
  Report base = make_report(), head = make_report();
  CaseResult& b = find(base, "arena");
  CaseResult& h = find(head, "arena");
  set_times(b, times(5e6, 3, 0.01));
  set_times(h, times(5.5e6, 3, 0.01));
  Comparison c = compare_reports(base, head);
  const auto& t = metric(find(c, h.id), "time.median_real_ns");
  EXPECT_EQ(t.verdict, Verdict::not_significant);
  EXPECT_TRUE(t.threshold_only);
  EXPECT_FALSE(t.p_value.has_value());
  EXPECT_NE(t.note.find("too few"), std::string::npos) << t.note;
  std::string text = membench::render::format_terminal(c, false);
  EXPECT_NE(text.find("too few for a test"), std::string::npos);
  EXPECT_NE(text.find("unpaired"), std::string::npos);
}

// Repetitions of one process share its memory layout and its minute on the
// machine: however many, they never make a time verdict.
TEST(Compare, RepetitionsOfOneProcessNeverMakeATimeVerdict) {
  Report base = make_report(), head = make_report();
  CaseResult& b = find(base, "arena");
  CaseResult& h = find(head, "arena");
  for (auto [c, median] : {std::pair{&b, 5e6}, std::pair{&h, 7e6}}) {
    set_times(*c, times(median, 20, 0.01));
    c->time->per_process = {{c->time->real_ns, c->time->cpu_ns, 10}};
  }
  Comparison c = compare_reports(base, head);
  const auto& t = metric(find(c, h.id), "time.median_real_ns");
  EXPECT_EQ(t.verdict, Verdict::not_significant);
  EXPECT_NE(t.note.find("one timed process"), std::string::npos) << t.note;
  EXPECT_FALSE(c.has_regression());
}

// Processes whose real time is `factor` times their CPU time: the share of
// the time the benchmarking thread spent waiting off the CPU.
void set_times_waiting(CaseResult& c, const std::vector<double>& cpu, double factor) {
  std::vector<double> real;
  for (double v : cpu) real.push_back(v * factor);
  with_time(c, real, 10, cpu);
  for (std::size_t i = 0; i < real.size(); ++i) c.time->per_process.push_back({{real[i]}, {cpu[i]}, 10});
}

// One run on a busy machine: the same code, the same CPU time, but its
// processes waited for a core 45% of the time. No time verdict, either way.
TEST(Compare, UnpairedRunsThatWaitedDifferentlyGetNoTimeVerdict) {
  Report base = make_report(), head = make_report();
  CaseResult& b = find(base, "arena");
  CaseResult& h = find(head, "arena");
  set_times_waiting(b, times(5e6, 7, 0.02), 1.0);
  set_times_waiting(h, times(5e6, 7, 0.02, 3), 1.8);
  Comparison c = compare_reports(base, head);
  for (const char* name : {"time.median_real_ns", "throughput.bytes_per_second"}) {
    const auto& t = metric(find(c, h.id), name);
    EXPECT_EQ(t.verdict, Verdict::not_significant) << name;
    EXPECT_FALSE(t.p_value.has_value()) << name;
    EXPECT_NE(t.note.find("no time verdict"), std::string::npos) << t.note;
    EXPECT_NE(t.note.find("1.00x vs 1.80x"), std::string::npos) << t.note;
  }
  EXPECT_FALSE(c.has_regression());
  Comparison reverse = compare_reports(head, base);
  EXPECT_EQ(metric(find(reverse, h.id), "time.median_real_ns").verdict, Verdict::not_significant);
  EXPECT_NE(membench::render::format_terminal(c, false).find("use membench ab"), std::string::npos);
}

// Both runs waited alike (both on a busy machine): the CPU time slowed by
// 20%, the real time with it; that is judged, and caught.
TEST(Compare, UnpairedSlowdownOfRunsThatWaitedAlikeIsCaught) {
  Report base = make_report(), head = make_report();
  CaseResult& b = find(base, "arena");
  CaseResult& h = find(head, "arena");
  set_times_waiting(b, times(5e6, 7, 0.02), 1.3);
  set_times_waiting(h, times(6e6, 7, 0.02, 3), 1.3);
  Comparison c = compare_reports(base, head);
  const auto& t = metric(find(c, h.id), "time.median_real_ns");
  EXPECT_EQ(t.verdict, Verdict::regressed) << t.note;
  ASSERT_TRUE(t.p_value.has_value());
  EXPECT_LT(*t.p_value, 0.05);
}

TEST(Compare, UnpairedLoadToleranceComesFromTheThresholds) {
  Report base = make_report(), head = make_report();
  CaseResult& b = find(base, "arena");
  CaseResult& h = find(head, "arena");
  set_times_waiting(b, times(5e6, 7, 0.02), 1.0);
  set_times_waiting(h, times(6e6, 7, 0.02, 3), 1.015);  // waited 1.5% of the time more
  EXPECT_EQ(metric(find(compare_reports(base, head), h.id), "time.median_real_ns").verdict, Verdict::regressed);
  Thresholds strict =
      parse_thresholds(json::parse(R"({"significance": {"unpaired_load_tolerance": 0.005}})"), "t.json");
  EXPECT_DOUBLE_EQ(strict.unpaired_load_tolerance, 0.005);
  EXPECT_DOUBLE_EQ(Thresholds().unpaired_load_tolerance, 0.02);
  Comparison c = compare_reports(base, head, strict);
  const auto& t = metric(find(c, h.id), "time.median_real_ns");
  EXPECT_EQ(t.verdict, Verdict::not_significant);
  EXPECT_NE(t.note.find("no time verdict"), std::string::npos) << t.note;
  EXPECT_THROW(parse_thresholds(json::parse(R"({"significance": {"unpaired_load_tolerance": -1}})"), "t.json"),
               ThresholdError);
}

// A drift that makes one run 29% slower makes the other 22.5% faster: the
// same distance in time ratio, so swapping base and head mirrors the verdict,
// and time and throughput agree (a relative change against a 25% floor would
// claim the first and not the second).
TEST(Compare, UnpairedSlowdownAndSpeedupOfOneRatioAreJudgedAlike) {
  Thresholds t = parse_thresholds(json::parse(R"({"defaults": {"time": 0.25, "throughput": 0.25}})"), "t.json");
  Report slow = make_report(), fast = make_report();
  set_times(find(slow, "arena"), times(4e6, 7, 0.01));
  set_times(find(fast, "arena"), times(3.1e6, 7, 0.01, 3));
  const std::string id = find(fast, "arena").id;
  for (const char* name : {"time.median_real_ns", "throughput.bytes_per_second"}) {
    EXPECT_EQ(metric(find(compare_reports(slow, fast, t), id), name).verdict, Verdict::improved) << name;
    EXPECT_EQ(metric(find(compare_reports(fast, slow, t), id), name).verdict, Verdict::regressed) << name;
  }
}

TEST(Compare, UnpairedRunWithoutCpuTimeGetsNoTimeVerdict) {
  Report base = make_report(), head = make_report();
  CaseResult& h = find(head, "arena");
  set_times(h, times(7e6, 7, 0.02));
  for (auto& p : h.time->per_process) p.cpu_ns.clear();
  Comparison c = compare_reports(base, head);
  const auto& t = metric(find(c, h.id), "time.median_real_ns");
  EXPECT_EQ(t.verdict, Verdict::not_significant);
  EXPECT_NE(t.note.find("no CPU time"), std::string::npos) << t.note;
}

namespace paired_cases {

// Base times of a case in run order, with the slow minutes a shared machine
// has (both members of a pair see the same minute).
std::vector<double> drifting_base() { return {100, 104, 97, 131, 128, 99, 102, 125, 98, 101, 103, 127}; }

// A machine slowing down steadily, a little from one run to the next.
std::vector<double> slowing_base() { return {100, 102, 104, 106, 108, 110, 113, 116, 119, 122, 125, 128}; }

PairedTimes pairs_with(const std::string& id, double ratio, const std::vector<double>& noise,
                       const std::vector<double>& base = drifting_base()) {
  PairedTimes p;
  for (std::size_t i = 0; i < base.size(); ++i)
    p.by_case[id].emplace_back(base[i], base[i] * ratio * (1 + noise[i % noise.size()]));
  return p;
}

}  // namespace paired_cases

TEST(Compare, PairedSlowdownIsCaughtThroughTheMachinesDrift) {
  Report base = make_report(), head = make_report();
  const std::string id = find(head, "mmap").id;
  // +10 % in every pair, a little noise: the machine's drift (+28 % over the
  // session) cancels within each pair.
  auto paired = paired_cases::pairs_with(id, 1.10, {0.01, -0.01, 0.005, -0.005}, paired_cases::slowing_base());
  Comparison c = compare_reports(base, head, Thresholds(), &paired);
  EXPECT_TRUE(c.paired);
  const auto& t = metric(find(c, id), "time.median_real_ns");
  EXPECT_EQ(t.verdict, Verdict::regressed) << t.note;
  ASSERT_TRUE(t.interval_low && t.interval_high);
  EXPECT_GT(*t.interval_low, 0.05);
  EXPECT_LT(*t.interval_high, 0.15);
  EXPECT_NEAR(t.relative, 0.10, 0.01);
  ASSERT_TRUE(t.p_value);
  EXPECT_LT(*t.p_value, 0.01);
  // Throughput moves the other way, by the same pairs.
  const auto& tp = metric(find(c, id), "throughput.bytes_per_second");
  EXPECT_EQ(tp.verdict, Verdict::regressed);
  EXPECT_NEAR(tp.relative, 1 / 1.10 - 1, 0.01);
  std::string text = membench::render::format_terminal(c, false);
  EXPECT_NE(text.find("+10."), std::string::npos) << text;
  EXPECT_NE(text.find("% ["), std::string::npos) << text;
  EXPECT_NE(membench::analyze::comparison_to_json(c).dump().find("\"interval\""), std::string::npos);
}

TEST(Compare, PairedNoChangeIsNotARegression) {
  Report base = make_report(), head = make_report();
  const std::string id = find(head, "mmap").id;
  auto paired = paired_cases::pairs_with(id, 1.0, {0.03, -0.02, 0.01, -0.03, 0.02});
  Comparison c = compare_reports(base, head, Thresholds(), &paired);
  const auto& t = metric(find(c, id), "time.median_real_ns");
  EXPECT_NE(t.verdict, Verdict::regressed) << t.note;
  EXPECT_FALSE(c.has_regression());
}

// No verdict claims a change smaller than what base against base can show.
TEST(Compare, PairedChangeBelowTheNoiseFloorIsNotClaimed) {
  Report base = make_report(), head = make_report();
  const std::string id = find(head, "mmap").id;
  // A consistent +8 %, but the base alone jumps by 30 % between runs.
  auto paired = paired_cases::pairs_with(id, 1.08, {0.0});
  Comparison c = compare_reports(base, head, Thresholds(), &paired);
  const auto& t = metric(find(c, id), "time.median_real_ns");
  ASSERT_TRUE(t.noise_floor);
  EXPECT_GT(*t.noise_floor, 0.08);
  EXPECT_EQ(t.verdict, Verdict::within) << t.note;
  EXPECT_NE(t.note.find("noise floor"), std::string::npos);
}

// A change is claimed only when it is at least the minimum effect with 95%
// confidence: an interval that merely excludes no change is not enough
// (the shape of an A/A false alarm measured on a busy host: +18% [+0.2%, +58%]).
TEST(Compare, PairedIntervalMustClearTheMinimumEffect) {
  Report base = make_report(), head = make_report();
  const std::string id = find(head, "mmap").id;
  PairedTimes wide;
  for (auto [b, h] : std::vector<std::pair<double, double>>{
           {100, 101}, {100, 118}, {100, 160}, {100, 112}, {100, 125}, {100, 102}, {100, 140}, {100, 120}})
    wide.by_case[id].emplace_back(b, h);
  Comparison c = compare_reports(base, head, Thresholds(), &wide);
  const auto& t = metric(find(c, id), "time.median_real_ns");
  ASSERT_TRUE(t.interval_low && t.p_value);
  EXPECT_GT(*t.interval_low, 0.0) << "the interval excludes no change";
  EXPECT_LT(*t.interval_low, 0.05) << "but not the 5% minimum effect";
  EXPECT_LT(*t.p_value, 0.05);
  EXPECT_EQ(t.verdict, Verdict::not_significant) << t.note;
  EXPECT_NE(t.note.find("does not clear the 5.0% minimum effect"), std::string::npos) << t.note;
  // The same pairs, all at least +10%: claimed.
  PairedTimes clear;
  for (double h : {111.0, 118.0, 160.0, 112.0, 125.0, 110.0, 140.0, 120.0}) clear.by_case[id].emplace_back(100, h);
  Comparison d = compare_reports(base, head, Thresholds(), &clear);
  EXPECT_EQ(metric(find(d, id), "time.median_real_ns").verdict, Verdict::regressed);
}

// Nor may its interval reach below the case's noise floor: a consistent
// +30% whose interval dips under what base against base moves is not claimed
// (an A/A false alarm on a busy host: +26.5% [+7.9%, +29.4%], floor 10.5%).
TEST(Compare, PairedIntervalMustClearTheNoiseFloor) {
  Report base = make_report(), head = make_report();
  const std::string id = find(head, "mmap").id;
  PairedTimes p;
  for (double h : {130.0, 108.0, 129.0, 131.0, 109.0, 128.0, 130.0, 132.0}) p.by_case[id].emplace_back(100, h);
  // Base against base, run next to each other: up to 14% apart.
  for (auto [a, b] : std::vector<std::pair<double, double>>{{100, 112}, {100, 90}, {100, 114}, {100, 88}, {100, 108}})
    p.same_build[id].emplace_back(a, b);
  Comparison c = compare_reports(base, head, Thresholds(), &p);
  const auto& t = metric(find(c, id), "time.median_real_ns");
  ASSERT_TRUE(t.interval_low && t.noise_floor);
  EXPECT_GT(t.relative, *t.noise_floor) << "the median change is above the floor";
  EXPECT_GT(*t.interval_low, 0.05) << "and its interval clears the minimum effect";
  EXPECT_LT(*t.interval_low, *t.noise_floor) << "but not the floor";
  EXPECT_EQ(t.verdict, Verdict::not_significant) << t.note;
  EXPECT_NE(t.note.find("noise floor"), std::string::npos) << t.note;
}

// Real and CPU time judged side by side (docs/time-gate.md). Both reports
// say whose CPU time they hold, as a current build's do.
namespace cpu_cases {

void set_clock(Report& r, const std::string& clock) {
  for (CaseResult& c : r.results) c.time->cpu_clock = clock;
}

// +10% of CPU work in every pair; real time waits for a busy machine by up
// to 40% more in one member of a pair than in the other, so its floor is wide.
PairedTimes hidden_in_real_time(const std::string& id) {
  PairedTimes p;
  const std::vector<double> cpu_noise = {0.004, -0.003, 0.002, -0.004, 0.003, -0.002, 0.001, -0.001};
  const std::vector<double> wait = {1.0, 1.4, 1.05, 0.7, 1.3, 0.8, 1.1, 0.75};
  for (std::size_t i = 0; i < wait.size(); ++i) {
    const double cpu_base = 100, cpu_head = 110 * (1 + cpu_noise[i]);
    p.cpu[id].emplace_back(cpu_base, cpu_head);
    p.by_case[id].emplace_back(cpu_base * 1.3, cpu_head * 1.3 * wait[i]);
    if (i > 0) {
      p.same_build[id].emplace_back(100, 100 * wait[i]);
      p.cpu_same_build[id].emplace_back(100, 100 * (1 + cpu_noise[i]));
    }
  }
  return p;
}

}  // namespace cpu_cases

TEST(Compare, PairedCpuOnlyChangeIsDecidedByCpuTime) {
  Report base = make_report(), head = make_report();
  cpu_cases::set_clock(base, "process");
  cpu_cases::set_clock(head, "process");
  const std::string id = find(head, "mmap").id;
  PairedTimes p = cpu_cases::hidden_in_real_time(id);
  Comparison c = compare_reports(base, head, Thresholds(), &p);
  const auto& t = metric(find(c, id), "time.median_real_ns");
  EXPECT_EQ(t.verdict, Verdict::regressed) << t.note;
  EXPECT_EQ(t.decided_by, "cpu");
  ASSERT_TRUE(t.real_verdict && t.cpu);
  EXPECT_NE(*t.real_verdict, Verdict::regressed) << "real time alone misses it";
  EXPECT_EQ(t.cpu->verdict, Verdict::regressed);
  EXPECT_NEAR(t.cpu->relative, 0.10, 0.005);
  EXPECT_GT(t.cpu->interval_low, 0.05);
  EXPECT_LT(t.cpu->noise_floor, 0.05 + 1e-12);
  EXPECT_EQ(t.cpu->clock, "process");
  EXPECT_NE(t.note.find("decided by CPU time (CPU time of all its threads)"), std::string::npos) << t.note;
  // Throughput follows the same decision, in its own direction.
  const auto& tp = metric(find(c, id), "throughput.bytes_per_second");
  EXPECT_EQ(tp.verdict, Verdict::regressed) << tp.note;
  EXPECT_EQ(tp.decided_by, "cpu");
  EXPECT_LT(tp.cpu->relative, 0);
  const json j = membench::analyze::comparison_to_json(c);
  bool seen = false;
  for (const json& cc : j["cases"])
    for (const json& m : cc["metrics"])
      if (cc["id"] == id && m["metric"] == "time.median_real_ns") {
        seen = true;
        EXPECT_EQ(m["decided_by"], "cpu");
        EXPECT_EQ(m["real_verdict"], membench::analyze::to_string(*t.real_verdict));
        EXPECT_EQ(m["cpu"]["verdict"], "REGRESSED");
        EXPECT_EQ(m["cpu"]["interval"].size(), 2u);
        EXPECT_EQ(m["cpu"]["clock"], "process");
      }
  EXPECT_TRUE(seen);
}

TEST(Compare, PairedWaitOnlyChangeIsDecidedByRealTimeWithTheReason) {
  Report base = make_report(), head = make_report();
  cpu_cases::set_clock(base, "process");
  cpu_cases::set_clock(head, "process");
  const std::string id = find(head, "mmap").id;
  PairedTimes p;
  // The same CPU work; 20% more time off the CPU (a read that blocks, a lock).
  for (double n : {0.004, -0.003, 0.002, -0.004, 0.003, -0.002, 0.001, -0.001}) {
    p.cpu[id].emplace_back(100, 100 * (1 + n));
    p.by_case[id].emplace_back(150, 180 * (1 + n));
  }
  Comparison c = compare_reports(base, head, Thresholds(), &p);
  const auto& t = metric(find(c, id), "time.median_real_ns");
  EXPECT_EQ(t.verdict, Verdict::regressed) << t.note;
  EXPECT_EQ(t.decided_by, "real");
  ASSERT_TRUE(t.cpu);
  EXPECT_TRUE(t.cpu->verdict == Verdict::within || t.cpu->verdict == Verdict::unchanged)
      << membench::analyze::to_string(t.cpu->verdict);
  EXPECT_NE(t.note.find("real time alone"), std::string::npos) << t.note;
  EXPECT_NE(t.note.find("waited longer"), std::string::npos) << t.note;
}

TEST(Compare, PairedRealAndCpuTimeThatAgreeAreBothNamed) {
  Report base = make_report(), head = make_report();
  cpu_cases::set_clock(base, "process");
  cpu_cases::set_clock(head, "process");
  const std::string id = find(head, "mmap").id;
  PairedTimes p;
  for (double n : {0.004, -0.003, 0.002, -0.004, 0.003, -0.002, 0.001, -0.001}) {
    p.cpu[id].emplace_back(100, 115 * (1 + n));
    p.by_case[id].emplace_back(100, 115 * (1 - n));
  }
  Comparison c = compare_reports(base, head, Thresholds(), &p);
  const auto& t = metric(find(c, id), "time.median_real_ns");
  EXPECT_EQ(t.verdict, Verdict::regressed) << t.note;
  EXPECT_EQ(t.decided_by, "real and cpu");
}

// Every output says per case which measure decided, with both intervals.
TEST(Compare, TimeRowsShowWhichMeasureDecided) {
  Report base = make_report(), head = make_report();
  cpu_cases::set_clock(base, "process");
  cpu_cases::set_clock(head, "process");
  const std::string id = find(head, "mmap").id;
  PairedTimes p = cpu_cases::hidden_in_real_time(id);
  Comparison c = compare_reports(base, head, Thresholds(), &p);
  const auto& t = metric(find(c, id), "time.median_real_ns");
  const std::string both = membench::render::time_measures_text(t);
  EXPECT_EQ(both.rfind("decided by cpu: real ", 0), 0u) << both;
  EXPECT_NE(both.find(", CPU +10."), std::string::npos) << both;
  EXPECT_EQ(std::count(both.begin(), both.end(), '['), 2) << both;
  for (const std::string& out : {membench::render::format_terminal(c, false), membench::render::format_markdown(c),
                                 membench::render::compare_html(c)})
    EXPECT_NE(out.find(both), std::string::npos) << out;
  // A metric judged on one measure only keeps its single interval.
  Report old_base = make_report();
  Comparison d = compare_reports(old_base, head, Thresholds(), &p);
  EXPECT_EQ(membench::render::time_measures_text(metric(find(d, id), "time.median_real_ns")), "");
}

// Neither decides: a CPU estimate beyond its floor, not yet proven, keeps the
// case "not significant" even where real time's estimate is inside its floor.
TEST(Compare, PairedUnprovenCpuChangeIsNotSignificant) {
  Report base = make_report(), head = make_report();
  cpu_cases::set_clock(base, "process");
  cpu_cases::set_clock(head, "process");
  const std::string id = find(head, "mmap").id;
  PairedTimes p;
  const std::vector<double> cpu = {1.25, 0.98, 1.30, 1.02, 1.22, 0.97, 1.28, 1.01};
  for (std::size_t i = 0; i < cpu.size(); ++i) {
    p.cpu[id].emplace_back(100, 100 * cpu[i]);
    p.by_case[id].emplace_back(100, 100 * (i % 2 ? 1.015 : 0.995));
  }
  Comparison c = compare_reports(base, head, Thresholds(), &p);
  const auto& t = metric(find(c, id), "time.median_real_ns");
  ASSERT_TRUE(t.cpu && t.real_verdict);
  EXPECT_EQ(*t.real_verdict, Verdict::within);
  EXPECT_EQ(t.cpu->verdict, Verdict::not_significant);
  EXPECT_EQ(t.verdict, Verdict::not_significant) << t.note;
  EXPECT_EQ(t.decided_by, "none");
}

// A base build from before cpu_clock measured its benchmarking thread only:
// a multi-threaded strategy's helper threads would be missing on one side.
TEST(Compare, PairedCpuTimeNeedsTheSameClockOnBothSides) {
  Report base = make_report(), head = make_report();
  cpu_cases::set_clock(head, "process");
  const std::string id = find(head, "mmap").id;
  PairedTimes p = cpu_cases::hidden_in_real_time(id);
  Comparison c = compare_reports(base, head, Thresholds(), &p);
  const auto& t = metric(find(c, id), "time.median_real_ns");
  EXPECT_FALSE(t.cpu);
  EXPECT_NE(t.verdict, Verdict::regressed) << t.note;
  EXPECT_EQ(t.decided_by, "real");
  EXPECT_NE(t.cpu_unavailable.find("benchmarking thread"), std::string::npos) << t.cpu_unavailable;
  cpu_cases::set_clock(base, "children");
  Comparison d = compare_reports(base, head, Thresholds(), &p);
  EXPECT_NE(metric(find(d, id), "time.median_real_ns").cpu_unavailable.find("differently"), std::string::npos);
}

// A command case's CPU time is its user + system time from wait4: judged alike.
TEST(Compare, PairedCommandCpuTimeIsUserPlusSystemTime) {
  Report base = make_report(), head = make_report();
  cpu_cases::set_clock(base, "children");
  cpu_cases::set_clock(head, "children");
  const std::string id = find(head, "mmap").id;
  PairedTimes p = cpu_cases::hidden_in_real_time(id);
  Comparison c = compare_reports(base, head, Thresholds(), &p);
  const auto& t = metric(find(c, id), "time.median_real_ns");
  EXPECT_EQ(t.verdict, Verdict::regressed) << t.note;
  ASSERT_TRUE(t.cpu);
  EXPECT_EQ(t.cpu->clock, "children");
  EXPECT_NE(t.note.find("user + system time"), std::string::npos) << t.note;
}

// Estimated cycles are exact figures, judged to 0.1% as instructions are.
TEST(Compare, EstimatedCyclesAreJudgedAsInstructionsAre) {
  Report base = make_report(), head = make_report();
  CaseResult& b = find(base, "mmap");
  CaseResult& h = find(head, "mmap");
  b.cachegrind = membench::report::CpuCost{1000000, 50000, 2000, 1200000};
  h.cachegrind = membench::report::CpuCost{1000000, 50000, 2000, 1203000};  // +0.25%
  Comparison c = compare_reports(base, head);
  const auto& cycles = metric(find(c, h.id), "cachegrind.estimated_cycles");
  EXPECT_EQ(cycles.verdict, Verdict::regressed);
  EXPECT_DOUBLE_EQ(cycles.threshold.relative, metric(find(c, h.id), "cachegrind.instructions").threshold.relative);
  EXPECT_FALSE(cycles.p_value);
  h.cachegrind->estimated_cycles = 1200600;  // +0.05%
  EXPECT_EQ(metric(find(compare_reports(base, head), h.id), "cachegrind.estimated_cycles").verdict, Verdict::within);
  h.cachegrind->estimated_cycles.reset();  // a build from before the figure
  EXPECT_EQ(metric(find(compare_reports(base, head), h.id), "cachegrind.estimated_cycles").verdict,
            Verdict::unavailable);
}

// ab's peak RSS: judged on the memory runs of its timed processes, in pairs.
TEST(Compare, PairedPeakRssIsJudgedOnTheMedianDifference) {
  Report base = make_report(), head = make_report();
  const std::string id = find(head, "stream").id;
  const std::string rss = "memory.peak_rss_delta_bytes";
  Thresholds ab_defaults;
  for (auto& [name, t] : ab_defaults.defaults)
    if (name == rss) t.absolute = 128 * 1024;
  auto judged = [&](const std::vector<std::pair<double, double>>& runs) {
    PairedTimes p;
    p.peak_rss[id] = runs;
    Comparison c = compare_reports(base, head, ab_defaults, &p);
    return metric(find(c, id), rss);
  };
  const double MiB = 1 << 20, KiB = 1024;
  // +256 KiB in every pair, on top of single runs that move by up to 232 KiB.
  std::vector<std::pair<double, double>> grown, same;
  const double noise[] = {0, 64, -68, 0, 4, 172, -164, 0};
  for (int i = 0; i < 8; ++i) {
    grown.emplace_back(2 * MiB + noise[i] * KiB, 2 * MiB + 256 * KiB + noise[(i + 3) % 8] * KiB);
    same.emplace_back(2 * MiB + noise[i] * KiB, 2 * MiB + noise[(i + 5) % 8] * KiB);
  }
  const auto g = judged(grown);
  EXPECT_EQ(g.verdict, Verdict::regressed) << g.note;
  EXPECT_NEAR(g.delta, 256 * KiB, 70 * KiB);
  EXPECT_NE(g.note.find("8 paired memory runs"), std::string::npos) << g.note;
  // The same machine noise without a change: no verdict.
  EXPECT_NE(judged(same).verdict, Verdict::regressed) << judged(same).note;
  // A change beyond the threshold whose pairs disagree in sign is not significant.
  std::vector<std::pair<double, double>> mixed;
  for (double d : {600.0, -300.0, 500.0, -200.0, 400.0, 300.0, -250.0, 350.0})
    mixed.emplace_back(2 * MiB, 2 * MiB + d * KiB);
  EXPECT_EQ(judged(mixed).verdict, Verdict::not_significant) << judged(mixed).note;
  // Under compare's defaults (256 KiB) the same +256 KiB is at the threshold, not beyond it.
  PairedTimes p;
  p.peak_rss[id] = {{2 * MiB, 2 * MiB + 200 * KiB}, {2 * MiB, 2 * MiB + 200 * KiB}, {2 * MiB, 2 * MiB + 200 * KiB},
                    {2 * MiB, 2 * MiB + 200 * KiB}, {2 * MiB, 2 * MiB + 200 * KiB}, {2 * MiB, 2 * MiB + 200 * KiB}};
  EXPECT_EQ(metric(find(compare_reports(base, head, Thresholds(), &p), id), rss).verdict, Verdict::within);
}

TEST(Compare, TooFewPairsCannotBeSignificant) {
  Report base = make_report(), head = make_report();
  const std::string id = find(head, "mmap").id;
  PairedTimes paired;
  for (double b : {100.0, 101.0, 99.0, 100.5, 99.5}) paired.by_case[id].emplace_back(b, b * 1.3);
  Comparison c = compare_reports(base, head, Thresholds(), &paired);
  const auto& t = metric(find(c, id), "time.median_real_ns");
  EXPECT_EQ(t.verdict, Verdict::not_significant) << t.note;
  EXPECT_NE(t.note.find("under 6 pairs"), std::string::npos) << t.note;
  // A sixth pair makes the same change significant.
  paired.by_case[id].emplace_back(100.2, 130.3);
  Comparison six = compare_reports(base, head, Thresholds(), &paired);
  EXPECT_EQ(metric(find(six, id), "time.median_real_ns").verdict, Verdict::regressed);
}

TEST(Compare, RssNeedsRelativeAndAbsoluteChange) {
  auto verdict_for = [](std::uint64_t base_rss, std::uint64_t head_rss) {
    Report base = make_report(), head = make_report();
    find(base, "stream").memory->peak_rss_delta_bytes = base_rss;
    find(head, "stream").memory->peak_rss_delta_bytes = head_rss;
    Comparison c = compare_reports(base, head);
    return metric(find(c, "hash/stream/text-1MiB/glibc"), "memory.peak_rss_delta_bytes").verdict;
  };
  EXPECT_EQ(verdict_for(1 << 20, (1 << 20) + 200 * 1024), Verdict::within);  // +19.5 % but < 256 KiB
  EXPECT_EQ(verdict_for(40 << 20, (40 << 20) + (1 << 20)), Verdict::within);  // +1 MiB but 2.5 %
  EXPECT_EQ(verdict_for(4 << 20, 5 << 20), Verdict::regressed);              // +25 %, +1 MiB
  EXPECT_EQ(verdict_for(5 << 20, 4 << 20), Verdict::improved);
}

TEST(Compare, StatusFromOkToFailedIsARegression) {
  Report base = make_report(), head = make_report();
  CaseResult& h = find(head, "mmap");
  h.status = Status::timeout;
  h.error = "exceeded --timeout 60 s";
  Comparison c = compare_reports(base, head);
  EXPECT_EQ(c.regression_count(), 1);
  const auto& cc = find(c, h.id);
  EXPECT_TRUE(cc.status_regressed());
  EXPECT_TRUE(cc.metrics.empty());  // figures of an incomplete run are not judged
  EXPECT_NE(membench::render::format_terminal(c, false).find("exceeded --timeout"), std::string::npos);

  Comparison back = compare_reports(head, base);  // failed -> ok: fixed, not a regression
  EXPECT_FALSE(back.has_regression());
  EXPECT_TRUE(find(back, h.id).status_fixed());
}

TEST(Compare, CasesOnOneSideAreListedNotFailed) {
  Report base = make_report(), head = make_report();
  base.results.push_back(make_case("old", "gone"));
  head.results.push_back(make_case("new", "added"));
  Comparison c = compare_reports(base, head);
  EXPECT_FALSE(c.has_regression());
  ASSERT_EQ(c.only_in_base.size(), 1u);
  ASSERT_EQ(c.only_in_head.size(), 1u);
  EXPECT_EQ(c.only_in_base[0], "old/gone/text-1MiB/glibc");
  EXPECT_EQ(c.only_in_head[0], "new/added/text-1MiB/glibc");
  std::string text = membench::render::format_terminal(c, false);
  EXPECT_NE(text.find("only in base"), std::string::npos);
  EXPECT_NE(text.find("only in head"), std::string::npos);
}

TEST(Compare, DigestChangeIsReportedNotGated) {
  Report base = make_report(), head = make_report();
  find(head, "stream").output_digest = std::string(64, 'b');
  Comparison c = compare_reports(base, head);
  EXPECT_FALSE(c.has_regression());
  const auto& cc = find(c, "hash/stream/text-1MiB/glibc");
  EXPECT_TRUE(cc.digest_changed);
  EXPECT_TRUE(cc.changed());
  EXPECT_NE(membench::render::format_terminal(c, false).find("digest changed"), std::string::npos);
}

TEST(Compare, MissingMetricOnOneSideIsUnavailableNotRegression) {
  Report base = make_report(), head = make_report();
  find(head, "arena").allocations.reset();
  Comparison c = compare_reports(base, head);
  EXPECT_FALSE(c.has_regression());
  EXPECT_EQ(metric(find(c, "tokenize/arena/text-1MiB/glibc"), "allocations.count").verdict, Verdict::unavailable);
}

TEST(Compare, TerminalColourOnlyWhenAsked) {
  Report base = make_report(), head = make_report();
  find(head, "stream").allocations->count += 3;
  Comparison c = compare_reports(base, head);
  EXPECT_EQ(membench::render::format_terminal(c, false).find('\033'), std::string::npos);
  EXPECT_NE(membench::render::format_terminal(c, true).find("\033["), std::string::npos);
}

// ---- thresholds file --------------------------------------------------------------

TEST(Thresholds, OverrideToleratesAChangeForMatchingCasesOnly) {
  Report base = make_report(), head = make_report();
  find(head, "stream").allocations->count += 1;  // 5 -> 6: +20 %
  find(head, "arena").allocations->count += 1;   // 12 -> 13: +8.3 %
  Thresholds t = parse_thresholds(
      json::parse(R"({"overrides": [{"pattern": "^hash/", "metric": "allocations.count", "relative": 0.5}]})"),
      "t.json");
  Comparison c = compare_reports(base, head, t);
  EXPECT_EQ(c.regression_count(), 1);
  EXPECT_EQ(metric(find(c, "hash/stream/text-1MiB/glibc"), "allocations.count").verdict, Verdict::within);
  EXPECT_EQ(metric(find(c, "tokenize/arena/text-1MiB/glibc"), "allocations.count").verdict, Verdict::regressed);
}

}  // namespace

// With adjacent runs of one build at hand (what ab records), the floor comes
// from them: runs as close in time as the pairs themselves.
TEST(Compare, PairedNoiseFloorComesFromAdjacentRunsOfOneBuild) {
  Report base = make_report(), head = make_report();
  const std::string id = find(head, "mmap").id;
  auto paired = paired_cases::pairs_with(id, 1.08, {0.0}, paired_cases::slowing_base());
  Comparison quiet = compare_reports(base, head, Thresholds(), &paired);
  EXPECT_EQ(metric(find(quiet, id), "time.median_real_ns").verdict, Verdict::regressed);
  // The same build twice in a row differs by up to 20 %: +8 % is not claimed.
  for (double r : {1.2, 0.85, 1.15, 0.9, 1.18, 0.83, 1.1}) paired.same_build[id].emplace_back(100.0, 100.0 * r);
  Comparison noisy = compare_reports(base, head, Thresholds(), &paired);
  const auto& t = metric(find(noisy, id), "time.median_real_ns");
  EXPECT_EQ(t.verdict, Verdict::within) << t.note;
  ASSERT_TRUE(t.noise_floor);
  EXPECT_GT(*t.noise_floor, 0.08);
}

// Instructions under Valgrind are deterministic for one thread: judged to
// 0.1% (what a strategy waiting for its helper thread moves by); simulated
// cache misses within 1 %.
TEST(Compare, CachegrindFiguresAreJudgedNearlyExactly) {
  Report base = make_report(), head = make_report();
  CaseResult& b = find(base, "mmap");
  CaseResult& h = find(head, "mmap");
  b.cachegrind = membench::report::CpuCost{1000000, 50000, 2000, {}};
  h.cachegrind = membench::report::CpuCost{1010000, 50400, 2010, {}};  // +1 %, +0.8 %, +0.5 %
  Comparison c = compare_reports(base, head);
  EXPECT_EQ(metric(find(c, h.id), "cachegrind.instructions").verdict, Verdict::regressed);
  EXPECT_EQ(metric(find(c, h.id), "cachegrind.d1_misses").verdict, Verdict::within);
  EXPECT_EQ(metric(find(c, h.id), "cachegrind.ll_misses").verdict, Verdict::within);
  // hash/overlap's A/A spread (-0.0096%): not a change.
  h.cachegrind = membench::report::CpuCost{999904, 50000, 2000, {}};
  EXPECT_EQ(metric(find(compare_reports(base, head), h.id), "cachegrind.instructions").verdict, Verdict::within);
}
