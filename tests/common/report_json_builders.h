// Report files for the tests that drive the membench binary (they link no
// part of it, so they write the JSON themselves): a case with its identity,
// then only the figures a test is about, derived as the runner derives them.
//
//   json c = case_json("hash", "stream", "text-4MiB");
//   with_time(c, {1.0e6, 1.1e6, 0.9e6});   // repetitions, median, cv, throughput
//   with_memory(c, 9000000, 1000000);       // baseline, delta (peak = their sum)
//   with_allocations(c, 6, 8400, 8300, 2);
//   json report = report_json({c}, {{"git_commit", "abc"}});
//
// Unit tests build the report model instead: report_builders.h.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace membench::test {

// An ok case of workload/strategy/dataset/allocator as a report file holds
// it: its id, a 1 MiB input and a digest, no figures.
inline nlohmann::json case_json(const std::string& workload, const std::string& strategy,
                                const std::string& dataset = "text-1MiB", const std::string& allocator = "glibc") {
  std::string id = workload;
  id += "/" + strategy + "/" + dataset + "/" + allocator;
  return {{"id", id},
          {"workload", workload},
          {"strategy", strategy},
          {"dataset", dataset},
          {"allocator", allocator},
          {"params", nlohmann::json::object()},
          {"status", "ok"},
          {"error", ""},
          {"input_bytes", 1 << 20},
          {"input_items", 0},
          {"output_digest", std::string(64, 'a')}};
}

// Timed figures from the real time of each repetition (CPU time equal to
// it): the median, the cv (sample standard deviation over the mean, as the
// runner computes it), and the throughput of input_bytes at the median.
inline nlohmann::json& with_time(nlohmann::json& c, std::vector<double> real_ns, std::uint64_t iterations = 10) {
  std::vector<double> sorted = real_ns;
  std::sort(sorted.begin(), sorted.end());
  const std::size_t n = sorted.size();
  double median = n == 0 ? 0 : n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  double mean = 0, sq = 0;
  for (double v : real_ns) mean += v / static_cast<double>(n);
  for (double v : real_ns) sq += (v - mean) * (v - mean);
  double cv = n > 1 && mean > 0 ? std::sqrt(sq / static_cast<double>(n - 1)) / mean : 0;
  c["time"] = {{"repetitions", n}, {"iterations", iterations}, {"real_ns", real_ns}, {"cpu_ns", real_ns},
               {"median_real_ns", median}, {"cv", cv}};
  double bytes = c["input_bytes"].get<double>();
  c["throughput"] = {{"bytes_per_second", median > 0 ? bytes / (median * 1e-9) : 0.0}};
  return c;
}

// RSS of the memory run: peak = baseline + delta; the sampled split and the
// page faults are zero until a test sets them.
inline nlohmann::json& with_memory(nlohmann::json& c, std::uint64_t baseline_rss_bytes, std::uint64_t peak_delta_bytes) {
  c["memory"] = {{"baseline_rss_bytes", baseline_rss_bytes},
                 {"peak_rss_bytes", baseline_rss_bytes + peak_delta_bytes},
                 {"peak_rss_delta_bytes", peak_delta_bytes},
                 {"peak_anon_bytes", 0},
                 {"peak_file_bytes", 0},
                 {"peak_shmem_bytes", 0},
                 {"minor_faults", 0},
                 {"major_faults", 0}};
  return c;
}

inline nlohmann::json& with_allocations(nlohmann::json& c, std::uint64_t count, std::uint64_t bytes,
                                        std::uint64_t peak_live_bytes, std::uint64_t temporary = 0) {
  c["allocations"] = {{"count", count},
                      {"bytes", bytes},
                      {"peak_live_bytes", peak_live_bytes},
                      {"temporary", temporary},
                      {"leaked_bytes", 0}};
  return c;
}

// The memory run's samples, one per interval.
inline nlohmann::json& with_timeline(nlohmann::json& c, std::vector<std::uint64_t> rss, std::vector<std::uint64_t> anon,
                                     std::vector<std::uint64_t> file, double interval_ms = 1.0) {
  c["timeline"] = {{"interval_ms", interval_ms}, {"rss_bytes", rss}, {"anon_bytes", anon}, {"file_bytes", file}};
  return c;
}

// A report file of `results`. Schema version 1, which every reader still
// accepts: these files stand for reports written by earlier runs too.
inline nlohmann::json report_json(nlohmann::json results, nlohmann::json context,
                                  nlohmann::json scaling = nlohmann::json::array()) {
  return {{"schema", "membench.report/1"},
          {"context", std::move(context)},
          {"results", std::move(results)},
          {"scaling", std::move(scaling)}};
}

}  // namespace membench::test
