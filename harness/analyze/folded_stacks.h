// Folded call stacks ("frame;frame;...;leaf COUNT" per line, as heaptrack
// and flamegraph.pl write them) as a tree a flame graph draws: identical
// stacks merge, and frames under a share of the total are left out so that
// a page stays small. Pure computation; render/html_heaptrack draws it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace membench::analyze {

struct StackNode {
  std::string name;
  std::uint64_t value = 0;  // calls in this frame and below
  std::vector<StackNode> children;  // heaviest first (ties by name) once parsed
  std::map<std::string, std::size_t, std::less<>> index;  // name -> child, while reading
};

struct StackTree {
  StackNode root;             // "all"
  std::uint64_t dropped = 0;  // calls in frames below the threshold
  std::size_t stacks = 0;     // lines read
  std::size_t depth = 0;      // rows below the root
  bool cut = false;           // some stacks were deeper than kept
};

// Frames under this share of all calls are dropped; stacks are cut at this depth.
inline constexpr double kStackMinShare = 0.005;
inline constexpr std::size_t kStackMaxDepth = 64;

// Lines without a positive count are skipped; frames are trimmed of spaces
// and empty ones ignored.
StackTree parse_folded_stacks(std::string_view text, double min_share = kStackMinShare,
                              std::size_t max_depth = kStackMaxDepth);

}  // namespace membench::analyze
