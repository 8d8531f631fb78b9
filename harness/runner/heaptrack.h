// heaptrack as an independent witness: a case's work runs once more under
// heaptrack (exec, since heaptrack does not follow fork), and heaptrack's own
// figures are stored beside membench's and cross-checked.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace membench::runner {

// heaptrack's figures for one recording, whole process.
struct HeaptrackFigures {
  std::uint64_t calls = 0;            // "calls to allocation functions" (exact in the text)
  std::uint64_t temporary = 0;        // "temporary memory allocations" (exact in the text)
  std::uint64_t peak_heap_bytes = 0;  // sum of the peak flame graph (the text rounds it)
  std::uint64_t leaked_bytes = 0;     // sum of the leaked flame graph (the text rounds it)
  std::uint64_t peak_rss_bytes = 0;   // "peak RSS (including heaptrack overhead)" (rounded in the text)
  nlohmann::json to_json() const;
};

std::string heaptrack_program();  // "" when heaptrack is not installed

// Parses heaptrack_print's summary text; missing lines leave zeros and are
// reported in `missing`.
HeaptrackFigures parse_heaptrack_summary(const std::string& text, std::vector<std::string>& missing);

// Sums the costs of a flame-graph stack file ("frame;frame;... COST" lines).
std::uint64_t sum_flamegraph_costs(const std::string& text);

// Runs heaptrack_print on a recording; throws std::runtime_error on failure.
// When flamegraph_path is set, also writes there the allocation-count flame
// graph of the stacks through the function `only_through` (by default the
// case child's run_heaptrack_phase frame: the strategy's own); nullptr: every
// stack (a command case).
HeaptrackFigures analyse_recording(const std::string& recording, const std::optional<std::string>& flamegraph_path,
                                   const char* only_through = "run_heaptrack_phase");

// "1.22M" -> 1220000 (heaptrack prints decimal SI prefixes).
std::optional<double> parse_si_size(const std::string& text);

}  // namespace membench::runner
