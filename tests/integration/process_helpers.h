// Helpers for integration tests: run the membench binary, capture output.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "util/sanitizer.h"

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// The suite is built like the binary it tests. Under the sanitizers (make
// test-sanitize) the allocation counter is compiled out (reports carry
// context.allocation_counter false and no "allocations"), RSS includes the
// sanitizer's shadow memory, RLIMIT_DATA cannot hold that shadow, and nothing
// can be preloaded into a case (other allocators, heaptrack).
using membench::sanitizer_build;

#define MEMBENCH_SKIP_IN_SANITIZER_BUILD(why) \
  do {                                        \
    if (sanitizer_build()) GTEST_SKIP() << "sanitizer build: " << why; \
  } while (0)

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += "'\\''";
    else q += c;
  }
  return q + "'";
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A fresh directory per test under the build tree.
inline std::string test_dir(const std::string& name) {
  std::filesystem::path p = std::filesystem::path(MEMBENCH_TEST_WORK_DIR) / name;
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p.string();
}

// Runs a shell command line; stdout and stderr go to files that are read back.
inline CommandResult run_shell(const std::string& command_line) {
  std::filesystem::create_directories(MEMBENCH_TEST_WORK_DIR);
  std::string base = std::string(MEMBENCH_TEST_WORK_DIR) + "/cmd." + std::to_string(::getpid()) + "." +
                     std::to_string(std::rand());
  std::string full = "{ " + command_line + "\n} >" + shell_quote(base + ".out") + " 2>" + shell_quote(base + ".err") +
                     " </dev/null";
  int status = std::system(full.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_text(base + ".out");
  r.err = read_text(base + ".err");
  std::filesystem::remove(base + ".out");
  std::filesystem::remove(base + ".err");
  return r;
}

inline CommandResult run_membench(const std::vector<std::string>& args, const std::string& prefix = "") {
  std::string cmd = prefix + shell_quote(MEMBENCH_BINARY);
  for (const std::string& a : args) {
    cmd += ' ';
    cmd += shell_quote(a);
  }
  return run_shell(cmd);
}
