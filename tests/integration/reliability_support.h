// What the reliability tests share: report files, processes started in the
// background, the /proc views that find a run's case children, and the checks
// every reader of a report must pass. The tests are split by command:
//
//   reliability_run_faults_test.cpp  faults inside a case, signals to `run`
//   reliability_run_input_test.cpp   bad input to `run`
//   reliability_hash_test.cpp        `hash` on hostile files
//   reliability_reports_test.cpp     bad input to `compare`, `report` and `merge`
//   reliability_docs_test.cpp        docs/reliability.md lists exactly these tests
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "process_helpers.h"
#include "../common/report_json_builders.h"

extern char** environ;

using nlohmann::json;

using Clock = std::chrono::steady_clock;

// Only a safety net against a test hanging forever; no expectation depends on it.
inline constexpr double kSafetySeconds = 300;

inline json load(const std::string& path) { return json::parse(read_text(path)); }

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

inline std::string sha256_hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

inline std::string sha256_raw(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), len);
}

inline std::set<std::string> entries(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

inline int line_count(const std::string& text) { return static_cast<int>(std::count(text.begin(), text.end(), '\n')); }

inline const json* find_case(const json& report, const std::string& id) {
  for (const json& c : report["results"])
    if (c["id"] == id) return &c;
  return nullptr;
}

inline std::string small_input(const std::string& dir, const std::string& name = "input.txt") {
  std::string path = dir + "/" + name;
  write_text(path, std::string(100000, 'a'));
  return path;
}

// ---- processes -------------------------------------------------------------

// /proc/PID/stat: the fields after the command name (which may hold spaces).
inline std::optional<std::pair<char, pid_t>> state_and_parent(pid_t pid) {
  std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
  auto close = stat.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  char state = 0;
  int ppid = 0;
  if (std::sscanf(stat.c_str() + close + 1, " %c %d", &state, &ppid) != 2) return std::nullopt;
  return std::make_pair(state, static_cast<pid_t>(ppid));
}

// Exited (a zombie waiting to be reaped counts: it runs nothing).
inline bool gone(pid_t pid) {
  if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
  auto s = state_and_parent(pid);
  return !s || s->first == 'Z' || s->first == 'X';
}

inline std::string cmdline(pid_t pid) {
  std::string c = read_text("/proc/" + std::to_string(pid) + "/cmdline");
  std::replace(c.begin(), c.end(), '\0', ' ');
  return c;
}

inline std::vector<pid_t> case_children(pid_t parent) {
  std::vector<pid_t> out;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    std::string name = e.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    pid_t pid = static_cast<pid_t>(std::stol(name));
    auto s = state_and_parent(pid);
    if (s && s->second == parent && cmdline(pid).find(" __case ") != std::string::npos) out.push_back(pid);
  }
  return out;
}

inline bool maps_file(pid_t pid, const std::string& path) {
  return read_text("/proc/" + std::to_string(pid) + "/maps").find(path) != std::string::npos;
}

inline double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// `membench ARGS` started in the background; stdout and stderr go to files.
// The destructor ends it (and any case child of it still around) by pid.
class Background {
 public:
  Background(const std::vector<std::string>& args, const std::string& log_base)
      : out_file_(log_base + ".out"), err_file_(log_base + ".err") {
    std::vector<std::string> argv_storage{MEMBENCH_BINARY};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : argv_storage) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int rc = posix_spawn(&pid_, MEMBENCH_BINARY, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      ADD_FAILURE() << "posix_spawn: " << std::strerror(rc);
      pid_ = -1;
    }
  }
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  ~Background() {
    if (pid_ > 0 && !status_) {
      for (pid_t c : case_children(pid_)) ::kill(c, SIGKILL);
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    std::filesystem::remove(out_file_);
    std::filesystem::remove(err_file_);
  }

  pid_t pid() const { return pid_; }
  bool running() {
    if (status_) return false;
    int st = 0;
    if (::waitpid(pid_, &st, WNOHANG) == pid_) status_ = st;
    return !status_;
  }

  // The first case child (`membench __case ...`), once it has been exec'd.
  pid_t wait_for_case_child() {
    auto t0 = Clock::now();
    while (running() && seconds_since(t0) < kSafetySeconds) {
      std::vector<pid_t> children = case_children(pid_);
      if (!children.empty()) return children.front();
      ::usleep(1000);
    }
    ADD_FAILURE() << "no case child appeared; stderr: " << err();
    return -1;
  }

  // The wait status, once it has exited.
  int wait() {
    auto t0 = Clock::now();
    while (running()) {
      if (seconds_since(t0) > kSafetySeconds) {
        ADD_FAILURE() << "membench did not exit; killing it";
        ::kill(pid_, SIGKILL);
      }
      ::usleep(2000);
    }
    return *status_;
  }

  std::string out() const { return read_text(out_file_); }
  std::string err() const { return read_text(err_file_); }

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::string out_file_, err_file_;
};

// ---- reports -----------------------------------------------------------------

// A small, valid report of one hash/stream case per dataset.
inline json small_report(const std::vector<std::string>& datasets, const std::string& shard = "1/1") {
  json results = json::array();
  for (const std::string& d : datasets) {
    json c = membench::test::case_json("hash", "stream", d);
    c["params"] = {{"buffer_bytes", 8192}};
    membench::test::with_time(c, {1000.0, 1100.0}, 100);
    membench::test::with_memory(c, 4 << 20, 1 << 20);
    membench::test::with_allocations(c, 6, 8500, 8400, 2);
    results.push_back(std::move(c));
  }
  return membench::test::report_json(results, {{"membench_version", "0.1.0"}, {"suite", "custom"}, {"shard", shard}});
}

// A report file every reader must accept: compare (against itself), report, merge.
inline void expect_readable_report(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  CommandResult c = run_membench({"compare", path, path});
  EXPECT_EQ(c.exit_code, 0) << "compare: " << c.err;
  CommandResult r = run_membench({"report", path, "-o", dir + "/readable.html"});
  EXPECT_EQ(r.exit_code, 0) << "report: " << r.err;
  CommandResult m = run_membench({"merge", path, "-o", dir + "/readable-merged.json"});
  EXPECT_EQ(m.exit_code, 0) << "merge: " << m.err;
  if (m.exit_code == 0) {
    EXPECT_EQ(load(dir + "/readable-merged.json")["results"].size(), load(path)["results"].size());
  }
  std::filesystem::remove(dir + "/readable.html");
  std::filesystem::remove(dir + "/readable-merged.json");
}

// A sparse file big enough that hashing its mapping takes a while: it is
// truncated as soon as a process maps it. Returns false when the reader was
// faster than the truncation (nothing to check then).
struct TruncationRace {
  std::string path;
  explicit TruncationRace(const std::string& dir) : path(dir + "/big.bin") {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    EXPECT_GE(fd, 0);
    EXPECT_EQ(::ftruncate(fd, 4LL << 30), 0);  // 4 GiB of holes: no disk used
    ::close(fd);
  }
  ~TruncationRace() { std::filesystem::remove(path); }

  // Truncates the file once `mapper()` (a pid, or -1 while unknown) maps it.
  template <typename FindPid>
  bool truncate_when_mapped(Background& proc, FindPid mapper) {
    auto t0 = Clock::now();
    while (proc.running() && seconds_since(t0) < kSafetySeconds) {
      pid_t pid = mapper();
      if (pid > 0 && maps_file(pid, path)) {
        EXPECT_EQ(::truncate(path.c_str(), 0), 0);
        return true;
      }
      ::usleep(500);
    }
    return false;
  }
};
