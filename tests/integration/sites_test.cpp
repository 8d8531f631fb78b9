// Allocation sites from real runs: the sites add up to the case's totals,
// the folded stacks beside the report hold every site, and heaptrack,
// recording the same work on its own, counts the same allocations through
// the same functions.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "process_helpers.h"

using nlohmann::json;

namespace {

std::string words_input(const std::string& dir) {
  std::string path = dir + "/mixed.txt";
  std::ofstream out(path);
  for (int i = 0; i < 3000; ++i)
    out << "alpha,beta gamma," << i << ",delta epsilon_" << (i % 37) << ",a somewhat longer field of words " << i
        << "\n";
  return path;
}

std::string basename(const std::string& path) { return path.substr(path.find_last_of('/') + 1); }

// A function as both tools can name it: its last name component (the two
// qualify differently) and its file's name, "emplace<> (hashtable.h)".
std::string function_key(std::string name, const std::string& file) {
  if (std::size_t sp = name.rfind(' '); sp != std::string::npos) name = name.substr(sp + 1);  // a return type
  if (std::size_t colons = name.rfind("::"); colons != std::string::npos) name = name.substr(colons + 2);
  return name + " (" + basename(file) + ")";
}

// Every frame of each site, as function keys: (frames, count).
std::vector<std::pair<std::vector<std::string>, std::uint64_t>> membench_stacks(const json& sites) {
  std::vector<std::pair<std::vector<std::string>, std::uint64_t>> out;
  for (const json& e : sites["entries"]) {
    std::vector<std::string> frames;
    for (const json& f : e["frames"]) frames.push_back(function_key(f["function"], f["file"]));
    out.emplace_back(frames, e["count"].get<std::uint64_t>());
  }
  return out;
}

// heaptrack_print's frame "ns::f<>(int, long) const" as membench names it: "ns::f<>".
std::string without_parameters(std::string f) {
  while (!f.empty() && f.back() == ' ') f.pop_back();
  if (f.size() > 6 && f.compare(f.size() - 6, 6, " const") == 0) f.resize(f.size() - 6);
  if (f.empty() || f.back() != ')') return f;
  // An inlined lambda is named "operator()": its parentheses are its name.
  if (f.size() >= 10 && f.compare(f.size() - 10, 10, "operator()") == 0) return f;
  int depth = 0;
  for (std::size_t i = f.size(); i-- > 0;) {
    if (f[i] == ')') ++depth;
    else if (f[i] == '(' && --depth == 0) return f.substr(0, i);
  }
  return f;
}

// heaptrack's folded stacks ("frame;frame;... COUNT"), each stack's frames below its strategy frame.
std::vector<std::pair<std::vector<std::string>, std::uint64_t>> heaptrack_stacks(const std::string& text) {
  std::vector<std::pair<std::vector<std::string>, std::uint64_t>> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::size_t sp = line.find_last_of(' ');
    if (sp == std::string::npos) continue;
    std::vector<std::string> frames;
    std::string stack = line.substr(0, sp);
    for (std::size_t at = 0; at <= stack.size();) {
      std::size_t semi = stack.find(';', at);
      std::string frame = stack.substr(at, semi == std::string::npos ? std::string::npos : semi - at);
      // "name(parameters) (file.h)"
      std::string file;
      if (frame.size() > 3 && frame.back() == ')') {
        std::size_t open = frame.rfind(" (");
        if (open != std::string::npos) {
          file = frame.substr(open + 2, frame.size() - open - 3);
          frame.resize(open);
        }
      }
      if (!frame.empty()) frames.push_back(function_key(without_parameters(frame), file));
      if (semi == std::string::npos) break;
      at = semi + 1;
    }
    out.emplace_back(frames, std::stoull(line.substr(sp + 1)));
  }
  return out;
}

// Allocations through each function (once per stack, however often it appears).
std::map<std::string, std::uint64_t> per_function(const std::vector<std::pair<std::vector<std::string>, std::uint64_t>>& stacks) {
  std::map<std::string, std::uint64_t> out;
  for (const auto& [frames, count] : stacks) {
    std::set<std::string> seen(frames.begin(), frames.end());
    for (const std::string& f : seen) out[f] += count;
  }
  return out;
}

}  // namespace

TEST(SitesRun, SumsAreTheTotalsAndTheFoldedStacksHoldEverySite) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("the counter is compiled out");
  std::string dir = test_dir("sites_sums");
  std::string out = dir + "/report.json";
  CommandResult r = run_membench({"run", "--phases", "count", "--filter", "^(tokenize/(std_string|string_view)|fields/vector)/",
                                  "--dataset", words_input(dir), "--sites", "2", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json rep = json::parse(read_text(out));
  ASSERT_EQ(rep["results"].size(), 3u);
  std::map<std::string, std::uint64_t> folded_count;
  std::istringstream folded(read_text(dir + "/report.sites.count.folded"));
  for (std::string line; std::getline(folded, line);)
    folded_count[line.substr(0, line.find(';'))] += std::stoull(line.substr(line.find_last_of(' ') + 1));
  EXPECT_EQ(rep["context"]["sites"]["folded"]["count"], "report.sites.count.folded");
  for (const json& c : rep["results"]) {
    const json& a = c["allocations"];
    ASSERT_TRUE(a.contains("sites")) << c["id"] << " " << c.dump();
    const json& s = a["sites"];
    std::uint64_t count = s["other"]["count"], bytes = s["other"]["bytes"], peak = s["other"]["peak_live_bytes"],
                  temporary = s["other"]["temporary"], leaked = s["other"]["leaked_bytes"];
    for (const json& e : s["entries"]) {
      count += e["count"].get<std::uint64_t>();
      bytes += e["bytes"].get<std::uint64_t>();
      peak += e["peak_live_bytes"].get<std::uint64_t>();
      temporary += e["temporary"].get<std::uint64_t>();
      leaked += e["leaked_bytes"].get<std::uint64_t>();
      // Each stack starts at the strategy: no harness frame, no allocator hook.
      ASSERT_FALSE(e["frames"].empty());
      EXPECT_EQ(e["frames"][0]["file"].get<std::string>().rfind("strategies/", 0), 0u) << e.dump();
      for (const json& f : e["frames"]) {
        EXPECT_EQ(f["function"].get<std::string>().find("membench::runner"), std::string::npos) << e.dump();
        EXPECT_NE(f["function"], "malloc");
      }
    }
    EXPECT_EQ(count, a["count"].get<std::uint64_t>()) << c["id"];
    EXPECT_EQ(bytes, a["bytes"].get<std::uint64_t>()) << c["id"];
    EXPECT_EQ(peak, a["peak_live_bytes"].get<std::uint64_t>()) << c["id"];
    EXPECT_EQ(temporary, a["temporary"].get<std::uint64_t>()) << c["id"];
    EXPECT_EQ(leaked, a["leaked_bytes"].get<std::uint64_t>()) << c["id"];
    EXPECT_LE(s["entries"].size(), 6u);  // the top 2 of three rankings
    EXPECT_EQ(folded_count[c["id"]], a["count"].get<std::uint64_t>()) << c["id"];
  }
}

TEST(SitesRun, NoneWithSitesZero) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("the counter is compiled out");
  std::string dir = test_dir("sites_off");
  std::string out = dir + "/report.json";
  CommandResult r = run_membench({"run", "--phases", "count", "--filter", "^tokenize/string_view/", "--dataset",
                                  words_input(dir), "--sites", "0", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json rep = json::parse(read_text(out));
  EXPECT_FALSE(rep["results"][0]["allocations"].contains("sites"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/report.sites.count.folded"));
}

// heaptrack records the same work on its own (its own unwinder and
// symbolizer): through each of the strategy's own functions, both count the
// same allocations.
TEST(SitesRun, PerFunctionCountsAgreeWithHeaptrack) {
  if (run_shell("command -v heaptrack_print").exit_code != 0) GTEST_SKIP() << "heaptrack is not installed";
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("heaptrack cannot be preloaded before ASan, and the counter is compiled out");
  std::string dir = test_dir("sites_heaptrack");
  std::string out = dir + "/report.json";
  CommandResult r = run_membench({"run", "--heaptrack", "--phases", "count", "--filter",
                                  "^(tokenize/(std_string|string_view)|fields/(vector|small_vector))/", "--dataset",
                                  words_input(dir), "--sites", "100000", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json rep = json::parse(read_text(out));
  ASSERT_EQ(rep["results"].size(), 4u);
  for (const json& c : rep["results"]) {
    const json& s = c["allocations"]["sites"];
    ASSERT_EQ(s["other"]["sites"], 0) << c["id"];
    std::map<std::string, std::uint64_t> mine = per_function(membench_stacks(s));
    std::map<std::string, std::uint64_t> theirs =
        per_function(heaptrack_stacks(read_text(c["heaptrack"]["flamegraph"].get<std::string>())));
    // The project's own functions (the library's inlined frames are expanded
    // differently by the two: heaptrack names some by the function they are inlined in).
    std::set<std::string> own;
    for (const json& e : s["entries"])
      for (const json& f : e["frames"])
        if (f["file"].get<std::string>().rfind("strategies/", 0) == 0) own.insert(function_key(f["function"], f["file"]));
    std::size_t compared = 0;
    for (const auto& [function, count] : mine) {
      if (!own.count(function)) continue;
      auto it = theirs.find(function);
      ASSERT_NE(it, theirs.end()) << c["id"] << ": heaptrack has no frame " << function;
      EXPECT_EQ(count, it->second) << c["id"] << ": " << function;
      ++compared;
    }
    // The strategy's own function, and at least one below it.
    EXPECT_GE(compared, 2u) << c["id"];
    const json& root = s["entries"][0]["frames"][0];
    std::string strategy = function_key(root["function"], root["file"]);
    EXPECT_EQ(mine[strategy], c["allocations"]["count"].get<std::uint64_t>()) << c["id"];
    EXPECT_EQ(theirs[strategy], c["allocations"]["count"].get<std::uint64_t>()) << c["id"];
  }
}
