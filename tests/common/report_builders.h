// Reports for the unit tests of everything that reads one (renderers,
// compare, merge, the JSON form): a case with its identity, then only the
// figures a test is about, each derived the way the runner derives it.
//
//   CaseResult c = make_case("hash", "stream", "text-4MiB");
//   with_time(c, {1.0e6, 1.1e6, 0.9e6});   // repetitions, median, cv, throughput
//   with_memory(c, 8 << 20, 4 << 20);       // baseline, delta (peak = their sum)
//   with_allocations(c, 6, 8400, 8300, 2);
//   Report r = make_report({c}, {{"git_commit", "abc"}});
//
// Tests that drive the membench binary write report files instead:
// report_json_builders.h.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "analyze/statistics.h"
#include "report/model.h"

namespace membench::test {

// An ok case of workload/strategy/dataset/allocator: its id, a 1 MiB input
// and a digest, no figures.
inline report::CaseResult make_case(const std::string& workload, const std::string& strategy,
                                    const std::string& dataset = "text-1MiB", const std::string& allocator = "glibc") {
  report::CaseResult c;
  c.workload = workload;
  c.strategy = strategy;
  c.dataset = dataset;
  c.allocator = allocator;
  c.id = report::case_id(workload, strategy, dataset, allocator);
  c.input_bytes = 1 << 20;
  c.output_digest = std::string(64, 'a');
  return c;
}

// Timed figures from the real time of each repetition (per iteration): the
// median and cv of them, CPU time equal to real time unless given, and the
// throughput of input_bytes (and input_items, when there are any) at the median.
inline report::CaseResult& with_time(report::CaseResult& c, std::vector<double> real_ns,
                                     std::uint64_t iterations = 10, std::vector<double> cpu_ns = {}) {
  report::TimeStats& t = c.time.emplace();
  t.repetitions = static_cast<int>(real_ns.size());
  t.iterations = iterations;
  t.median_real_ns = stats::median(real_ns);
  t.cv = stats::cv(real_ns);
  t.cpu_ns = cpu_ns.empty() ? real_ns : std::move(cpu_ns);
  t.real_ns = std::move(real_ns);
  report::Throughput& tp = c.throughput.emplace();
  if (t.median_real_ns > 0) {
    tp.bytes_per_second = static_cast<double>(c.input_bytes) / (t.median_real_ns * 1e-9);
    if (c.input_items > 0) tp.items_per_second = static_cast<double>(c.input_items) / (t.median_real_ns * 1e-9);
  }
  return c;
}

// RSS of the memory run: peak = baseline + delta.
inline report::CaseResult& with_memory(report::CaseResult& c, std::uint64_t baseline_rss_bytes,
                                       std::uint64_t peak_delta_bytes) {
  report::MemoryStats& m = c.memory.emplace();
  m.baseline_rss_bytes = baseline_rss_bytes;
  m.peak_rss_delta_bytes = peak_delta_bytes;
  m.peak_rss_bytes = baseline_rss_bytes + peak_delta_bytes;
  return c;
}

inline report::CaseResult& with_allocations(report::CaseResult& c, std::uint64_t count, std::uint64_t bytes,
                                            std::uint64_t peak_live_bytes, std::uint64_t temporary = 0) {
  report::Allocations& a = c.allocations.emplace();
  a.count = count;
  a.bytes = bytes;
  a.peak_live_bytes = peak_live_bytes;
  a.temporary = temporary;
  return c;
}

// A case that did not finish: its status and why.
inline report::CaseResult& with_status(report::CaseResult& c, report::Status status, std::string error) {
  c.status = status;
  c.error = std::move(error);
  return c;
}

inline report::Report make_report(std::vector<report::CaseResult> results,
                                  nlohmann::json context = nlohmann::json::object()) {
  report::Report r;
  r.context = std::move(context);
  r.results = std::move(results);
  return r;
}

}  // namespace membench::test
