// Helpers for the strategy catalogue tests: run every strategy of a workload
// on the same input and compare digests with the reference strategy's.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/strategy.h"
#include "datasets/dataset.h"
#include "runner/sinks.h"
#include "track/alloc_counter.h"
#include "util/sha256.h"

namespace membench::catalogue_test {

inline std::vector<const Strategy*> strategies_of(std::string_view workload) {
  std::vector<const Strategy*> found;
  for (const Strategy& s : strategy_registry())  // sorted by workload, then name
    if (workload == s.workload) found.push_back(&s);
  return found;
}

// A file holding `content`, removed again when the object goes.
class TempFile {
 public:
  explicit TempFile(std::string_view content) {
    std::string pattern = (std::filesystem::temp_directory_path() / "membench-catalogue-XXXXXX").string();
    int fd = ::mkstemp(pattern.data());
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    path_ = pattern;
    std::size_t done = 0;
    while (done < content.size()) {
      ssize_t n = ::write(fd, content.data() + done, content.size() - done);
      if (n <= 0) {
        ::close(fd);
        throw std::runtime_error("write failed");
      }
      done += static_cast<std::size_t>(n);
    }
    ::close(fd);
  }
  ~TempFile() { std::filesystem::remove(path_); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs one strategy on `content` the way the runner would hand it over:
// bytes in memory, or a file path. Returns {hex digest, items}.
inline std::pair<std::string, std::uint64_t> run_on(const Strategy& strategy, std::string_view content) {
  const Workload* workload = find_workload(strategy.workload);
  if (!workload) throw std::runtime_error("no workload");
  Input input;
  input.size = content.size();
  if (workload->input == InputKind::bytes) {
    input.bytes = std::span<const std::byte>(reinterpret_cast<const std::byte*>(content.data()), content.size());
    return run_for_digest(strategy, input);
  }
  TempFile file(content);
  input.path = file.path().c_str();
  return run_for_digest(strategy, input);
}

inline std::string hex_sha256(std::string_view bytes) { return to_hex(sha256_of(bytes)); }

// Every strategy of the workload gives the reference strategy's digest and
// item count on `content`.
inline void expect_all_agree(std::string_view workload_name, std::string_view content, std::string_view label) {
  const Workload* workload = find_workload(workload_name);
  ASSERT_NE(workload, nullptr) << workload_name;
  const Strategy* reference = find_strategy(workload_name, workload->reference_strategy);
  ASSERT_NE(reference, nullptr) << workload->reference_strategy;
  auto [expected_digest, expected_items] = run_on(*reference, content);
  std::vector<const Strategy*> all = strategies_of(workload_name);
  ASSERT_GE(all.size(), 2u) << workload_name;
  for (const Strategy* s : all) {
    auto [digest, items] = run_on(*s, content);
    EXPECT_EQ(digest, expected_digest) << workload_name << "/" << s->name << " on " << label;
    EXPECT_EQ(items, expected_items) << workload_name << "/" << s->name << " on " << label;
  }
}

// Every strategy's canonical output is exactly `expected` (given as bytes).
inline void expect_output(std::string_view workload_name, std::string_view content, std::string_view expected,
                          std::uint64_t expected_items) {
  std::string expected_digest = hex_sha256(expected);
  const std::vector<const Strategy*> strategies = strategies_of(workload_name);
  ASSERT_FALSE(strategies.empty()) << "no strategy of workload " << workload_name;
  for (const Strategy* s : strategies) {
    auto [digest, items] = run_on(*s, content);
    EXPECT_EQ(digest, expected_digest) << workload_name << "/" << s->name;
    EXPECT_EQ(items, expected_items) << workload_name << "/" << s->name;
  }
}

// The first `size` bytes a dataset's generator writes.
inline std::string generated_prefix(const datasets::DatasetDef& def, std::uint64_t size) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::tmpfile(), &std::fclose);
  if (!file) throw std::runtime_error("tmpfile failed");
  {
    datasets::ByteWriter out(file.get(), size);
    def.generate(size, out);
    out.flush();
  }
  std::fflush(file.get());
  std::rewind(file.get());
  std::string bytes(size, '\0');
  bytes.resize(std::fread(bytes.data(), 1, bytes.size(), file.get()));
  return bytes;
}

// The first generated dataset of a kind (the smallest: the registry sorts by size).
inline const datasets::DatasetDef* smallest_of_kind(std::string_view kind) {
  for (const datasets::DatasetDef& d : datasets::dataset_registry())
    if (kind == d.kind && d.generate) return &d;
  return nullptr;
}

// Small inputs of every kind: a 64 KiB prefix of each generator's output,
// and real C headers from this machine.
inline std::vector<std::pair<std::string, std::string>> small_inputs_of_every_kind() {
  std::vector<std::pair<std::string, std::string>> inputs;
  for (const char* kind : {"text", "csv", "identifiers", "documents"}) {
    const datasets::DatasetDef* def = smallest_of_kind(kind);
    if (!def) throw std::runtime_error(std::string("no dataset of kind ") + kind);
    inputs.emplace_back(kind, generated_prefix(*def, 64 * 1024));
  }
  std::string headers;
  for (const char* path : {"/usr/include/stdio.h", "/usr/include/string.h", "/usr/include/c++/12/vector"}) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    headers += s.str();
  }
  inputs.emplace_back("headers", headers);
  return inputs;
}

// Allocations made by one run of the strategy on `content` (held in memory).
inline std::uint64_t allocations_of(const Strategy& strategy, std::string_view content) {
  Input input;
  input.size = content.size();
  input.bytes = std::span<const std::byte>(reinterpret_cast<const std::byte*>(content.data()), content.size());
  HashingSink sink;
  if (!track::start_counting()) throw std::runtime_error("cannot count allocations");
  strategy.run(input, strategy.params, sink);
  return track::stop_counting().count;
}

}  // namespace membench::catalogue_test
