#include "cli/selfbench_gbench.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "analyze/statistics.h"
#include "runner/command_case.h"
#include "util/format.h"
#include "util/shell.h"

namespace membench::cli {
namespace {

// Google Benchmark's CPU time per iteration (ns) of the one benchmark that
// `command` runs; 0 when it did not run.
double reported_cpu_ns(const std::string& command) {
  std::string out = shell_capture(command + " 2>/dev/null", nullptr, nullptr);
  try {
    nlohmann::json report = nlohmann::json::parse(out);
    return report.at("benchmarks").at(0).at("cpu_time").get<double>();
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

std::vector<std::array<std::string, 4>> gbench_figures(const std::string& exe, const std::string& work) {
  std::vector<std::array<std::string, 4>> rows;
  std::filesystem::path suite = std::filesystem::path(exe).parent_path() / "examples/gbench/containers_bench";
  std::string library = runner::count_library();
  if (library.empty() || !std::filesystem::exists(suite)) return rows;
  std::fprintf(stderr, "google benchmark: counting the loop of BM_vector_push_back/1000 ...\n");
  const std::string command = shell_quote(suite.string()) +
                              " --benchmark_filter='^BM_vector_push_back/1000$' --benchmark_min_time=0.3"
                              " --benchmark_format=json";
  const std::string windows = work + "/gbench-windows.txt";
  const std::string counted =
      "LD_PRELOAD=" + shell_quote(library) + " MEMBENCH_GBENCH_FILE=" + shell_quote(windows) + " " + command;
  // Alternating, so that a change in the machine's load hits both alike.
  std::vector<double> plain, with;
  for (int i = 0; i < 7; ++i) {
    plain.push_back(reported_cpu_ns(command));
    std::filesystem::remove(windows);
    with.push_back(reported_cpu_ns(counted));
  }
  double off = stats::median(plain), on = stats::median(with);
  if (off <= 0 || on <= 0) return rows;
  double ratio = on / off;
  rows.push_back({"Google Benchmark loop counted / not, BM_vector_push_back/1000 (its CPU time per iteration)",
                  format_fixed(ratio, 3) + "x (" + format_fixed(on, 0) + " ns counted / " + format_fixed(off, 0) + " ns not)", "<= 1.10x",
                  ratio <= 1.10 ? "MET" : "MISSED"});
  return rows;
}

}  // namespace membench::cli
