#include "analyze/folded_stacks.h"

#include <algorithm>
#include <cstdlib>
#include <optional>

namespace membench::analyze {
namespace {

std::string_view trim(std::string_view s, std::string_view chars) {
  while (!s.empty() && chars.find(s.front()) != std::string_view::npos) s.remove_prefix(1);
  while (!s.empty() && chars.find(s.back()) != std::string_view::npos) s.remove_suffix(1);
  return s;
}

// "a;b;c 12" -> ("a;b;c", 12); nothing for a line without a positive count.
std::optional<std::pair<std::string_view, std::uint64_t>> split_line(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  std::size_t sp = line.find_last_of(" \t");
  if (sp == std::string_view::npos) return std::nullopt;
  std::string count_text(line.substr(sp + 1));
  char* stop = nullptr;
  unsigned long long count = std::strtoull(count_text.c_str(), &stop, 10);
  if (count_text.empty() || !stop || *stop != '\0' || count == 0) return std::nullopt;
  return std::pair{line.substr(0, sp), static_cast<std::uint64_t>(count)};
}

void add_stack(StackTree& tree, std::string_view stack, std::uint64_t count, std::size_t max_depth) {
  ++tree.stacks;
  tree.root.value += count;
  StackNode* node = &tree.root;
  std::size_t depth = 0;
  while (!stack.empty()) {
    std::size_t semi = stack.find(';');
    std::string_view frame = trim(stack.substr(0, semi), " ");
    stack = semi == std::string_view::npos ? std::string_view() : stack.substr(semi + 1);
    if (frame.empty()) continue;
    if (depth == max_depth) {
      tree.cut = true;
      return;
    }
    ++depth;
    auto it = node->index.find(frame);
    std::size_t i;
    if (it == node->index.end()) {
      i = node->children.size();
      node->index.emplace(std::string(frame), i);
      node->children.push_back(StackNode{std::string(frame), 0, {}, {}});
    } else {
      i = it->second;
    }
    node = &node->children[i];
    node->value += count;
  }
}

// Drops children under `threshold` calls, orders the rest heaviest first;
// returns the depth of what is left below `n`.
std::size_t prune(StackNode& n, double threshold, std::uint64_t& dropped) {
  n.index.clear();
  std::vector<StackNode> kept;
  for (StackNode& c : n.children) {
    if (static_cast<double>(c.value) < threshold) dropped += c.value;
    else kept.push_back(std::move(c));
  }
  std::sort(kept.begin(), kept.end(), [](const StackNode& a, const StackNode& b) {
    return a.value != b.value ? a.value > b.value : a.name < b.name;
  });
  n.children = std::move(kept);
  std::size_t deepest = 0;
  for (StackNode& c : n.children) deepest = std::max(deepest, 1 + prune(c, threshold, dropped));
  return deepest;
}

}  // namespace

StackTree parse_folded_stacks(std::string_view text, double min_share, std::size_t max_depth) {
  StackTree tree;
  tree.root.name = "all";
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (auto line = split_line(text.substr(start, end - start))) add_stack(tree, line->first, line->second, max_depth);
    start = end + 1;
  }
  tree.depth = prune(tree.root, static_cast<double>(tree.root.value) * min_share, tree.dropped);
  return tree;
}

}  // namespace membench::analyze
