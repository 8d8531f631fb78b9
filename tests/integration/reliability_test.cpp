// Reliability: faults inside a case, signals to the runner, bad input and
// hostile files never cost a report, never leave a partial file, and always
// end with a clear status or one clear line on stderr.
//
// docs/reliability.md tables every fault and bad input with the test that
// proves its behaviour; ReliabilityDocs.TableListsExactlyTheReliabilityTests
// keeps the two in sync (every Reliability* test is in the table, every test
// named in the table exists).
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
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
#include <optional>
#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include "process_helpers.h"

extern char** environ;

using nlohmann::json;

namespace {

using Clock = std::chrono::steady_clock;

// Only a safety net against a test hanging forever; no expectation depends on it.
constexpr double kSafetySeconds = 300;

json load(const std::string& path) { return json::parse(read_text(path)); }

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::string sha256_hex(const std::string& data) {
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

std::string sha256_raw(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), len);
}

std::set<std::string> entries(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

int line_count(const std::string& text) { return static_cast<int>(std::count(text.begin(), text.end(), '\n')); }

const json* find_case(const json& report, const std::string& id) {
  for (const json& c : report["results"])
    if (c["id"] == id) return &c;
  return nullptr;
}

std::string small_input(const std::string& dir, const std::string& name = "input.txt") {
  std::string path = dir + "/" + name;
  write_text(path, std::string(100000, 'a'));
  return path;
}

// ---- processes -------------------------------------------------------------

// /proc/PID/stat: the fields after the command name (which may hold spaces).
std::optional<std::pair<char, pid_t>> state_and_parent(pid_t pid) {
  std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
  auto close = stat.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  char state = 0;
  int ppid = 0;
  if (std::sscanf(stat.c_str() + close + 1, " %c %d", &state, &ppid) != 2) return std::nullopt;
  return std::make_pair(state, static_cast<pid_t>(ppid));
}

// Exited (a zombie waiting to be reaped counts: it runs nothing).
bool gone(pid_t pid) {
  if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
  auto s = state_and_parent(pid);
  return !s || s->first == 'Z' || s->first == 'X';
}

std::string cmdline(pid_t pid) {
  std::string c = read_text("/proc/" + std::to_string(pid) + "/cmdline");
  std::replace(c.begin(), c.end(), '\0', ' ');
  return c;
}

std::vector<pid_t> case_children(pid_t parent) {
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

bool maps_file(pid_t pid, const std::string& path) {
  return read_text("/proc/" + std::to_string(pid) + "/maps").find(path) != std::string::npos;
}

double seconds_since(Clock::time_point t0) {
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

// Runs membench as another user (to make a file unreadable to it even when
// the tests run as root, whom permissions do not stop).
CommandResult run_membench_as(uid_t uid, gid_t gid, const std::vector<std::string>& args, const std::string& log_base) {
  std::string out_file = log_base + ".out", err_file = log_base + ".err";
  std::vector<std::string> argv_storage{MEMBENCH_BINARY};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    int in = ::open("/dev/null", O_RDONLY);
    int out = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0) ::_exit(126);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    if (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0) ::_exit(125);
    ::execv(MEMBENCH_BINARY, argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_text(out_file);
  r.err = read_text(err_file);
  std::filesystem::remove(out_file);
  std::filesystem::remove(err_file);
  return r;
}

// ---- reports -----------------------------------------------------------------

// A small, valid report of one hash/stream case per dataset.
json small_report(const std::vector<std::string>& datasets, const std::string& shard = "1/1") {
  json results = json::array();
  for (const std::string& d : datasets) {
    results.push_back({{"id", "hash/stream/" + d + "/glibc"},
                       {"workload", "hash"},
                       {"strategy", "stream"},
                       {"dataset", d},
                       {"allocator", "glibc"},
                       {"params", {{"buffer_bytes", 8192}}},
                       {"status", "ok"},
                       {"error", ""},
                       {"input_bytes", 1048576},
                       {"input_items", 0},
                       {"output_digest", std::string(64, 'a')},
                       {"time",
                        {{"repetitions", 2},
                         {"iterations", 100},
                         {"real_ns", {1000.0, 1100.0}},
                         {"cpu_ns", {990.0, 1090.0}},
                         {"median_real_ns", 1050.0},
                         {"cv", 0.05}}},
                       {"throughput", {{"bytes_per_second", 1e9}}},
                       {"memory",
                        {{"baseline_rss_bytes", 4 << 20},
                         {"peak_rss_bytes", 5 << 20},
                         {"peak_rss_delta_bytes", 1 << 20},
                         {"peak_anon_bytes", 1 << 20},
                         {"peak_file_bytes", 0},
                         {"peak_shmem_bytes", 0},
                         {"minor_faults", 10},
                         {"major_faults", 0}}},
                       {"allocations",
                        {{"count", 6}, {"bytes", 8500}, {"peak_live_bytes", 8400}, {"temporary", 2}, {"leaked_bytes", 0}}}});
  }
  return {{"schema", "membench.report/1"},
          {"context", {{"membench_version", "0.1.0"}, {"suite", "custom"}, {"shard", shard}}},
          {"results", results},
          {"scaling", json::array()}};
}

// compare, report and merge exist (they are written separately from the runner).
bool report_commands_exist() {
  for (const char* command : {"compare", "report", "merge"})
    if (run_membench({command, "--help"}).exit_code != 0) return false;
  return true;
}

#define SKIP_WITHOUT_REPORT_COMMANDS()                                                   \
  do {                                                                                   \
    if (!report_commands_exist()) GTEST_SKIP() << "compare/report/merge are not built"; \
  } while (0)

// A report file every reader must accept: compare (against itself), report, merge.
void expect_readable_report(const std::string& path) {
  if (!report_commands_exist()) return;
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

// Every reader refuses `bad` with exit 2 and one line naming it and `why`,
// and writes nothing.
void expect_refused_everywhere(const std::string& bad, const std::string& good, const std::string& why) {
  std::string dir = std::filesystem::path(bad).parent_path().string();
  std::string html = dir + "/refused.html", md = dir + "/refused.md", merged = dir + "/refused-merged.json";
  std::vector<std::vector<std::string>> commands{
      {"compare", bad, good, "--markdown", md, "--html", html},
      {"compare", good, bad, "--markdown", md, "--html", html},
      {"report", bad, "-o", html},
      {"report", good, bad, "-o", html},
      {"merge", bad, "-o", merged},
      {"merge", good, bad, "-o", merged}};
  std::string name = std::filesystem::path(bad).filename().string();
  for (const auto& args : commands) {
    CommandResult r = run_membench(args);
    std::string shown = args[0] + " " + args[1] + " " + args[2];
    EXPECT_EQ(r.exit_code, 2) << shown << ": " << r.err;
    EXPECT_EQ(line_count(r.err), 1) << shown << ": " << r.err;
    EXPECT_NE(r.err.find(name), std::string::npos) << shown << ": " << r.err;
    EXPECT_NE(r.err.find(why), std::string::npos) << shown << ": " << r.err;
    EXPECT_FALSE(std::filesystem::exists(html)) << shown;
    EXPECT_FALSE(std::filesystem::exists(md)) << shown;
    EXPECT_FALSE(std::filesystem::exists(merged)) << shown;
  }
}

// A run that must be refused before anything runs: exit 2, one line on
// stderr holding `what`, no report.
void expect_bad_run(const std::vector<std::string>& extra, const std::string& what) {
  // One directory per test: ctest runs tests in parallel.
  std::string dir = test_dir(std::string("bad_run_") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::string out = dir + "/report.json";
  std::vector<std::string> args{"run", "--out", out};
  args.insert(args.end(), extra.begin(), extra.end());
  CommandResult r = run_membench(args);
  std::string shown;
  for (const std::string& a : extra) shown += a + " ";
  EXPECT_EQ(r.exit_code, 2) << shown << r.err;
  EXPECT_EQ(line_count(r.err), 1) << shown << r.err;
  EXPECT_NE(r.err.find(what), std::string::npos) << shown << r.err;
  EXPECT_EQ(entries(dir), std::set<std::string>{}) << shown;
}

// ---- signals -------------------------------------------------------------------

// A hung case is running when `sig` reaches `membench run`: the case child and
// its process group are gone, the run exits 128+sig without a report, and the
// earlier report at --out is byte for byte what it was, with nothing beside it.
void interrupted_run(int sig) {
  std::string dir = test_dir(std::string("interrupted_") + sigabbrev_np(sig));
  std::string out_dir = dir + "/out";
  std::filesystem::create_directories(out_dir);
  std::string out = out_dir + "/report.json";
  std::string earlier = small_report({"earlier"}).dump(1) + "\n";
  write_text(out, earlier);
  Background run({"run", "--filter", "^selftest/hang/", "--dataset", small_input(dir), "--timeout", "3600",
                  "--repetitions", "1", "--min-time", "0.01", "--out", out},
                 dir + "/run");
  pid_t child = run.wait_for_case_child();
  ASSERT_GT(child, 0);
  ASSERT_EQ(::kill(run.pid(), sig), 0);
  int status = run.wait();
  ASSERT_TRUE(WIFEXITED(status)) << "ended by signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  EXPECT_EQ(WEXITSTATUS(status), 128 + sig) << run.err();
  EXPECT_NE(run.err().find(std::string("interrupted by SIG") + sigabbrev_np(sig)), std::string::npos) << run.err();
  EXPECT_NE(run.err().find("no report written"), std::string::npos) << run.err();
  // The runner reaped its child before exiting: no process of the group left.
  EXPECT_TRUE(gone(child)) << cmdline(child);
  errno = 0;
  EXPECT_EQ(::kill(-child, 0), -1);
  EXPECT_EQ(errno, ESRCH) << "a process of the case's group is still there";
  EXPECT_EQ(read_text(out), earlier);
  EXPECT_EQ(entries(out_dir), std::set<std::string>{"report.json"});
}

}  // namespace

// ===== faults inside a case, and signals to the runner =====================

TEST(ReliabilityFaults, SigintStopsTheCaseAndKeepsTheEarlierReport) { interrupted_run(SIGINT); }

TEST(ReliabilityFaults, SigtermStopsTheCaseAndKeepsTheEarlierReport) { interrupted_run(SIGTERM); }

// kill -9 cannot be caught: the runner dies at once. The kernel ends its case
// child (PR_SET_PDEATHSIG), and since reports are only ever renamed into
// place, the earlier report is intact. (A kill -9 in the instant of writing
// could leave a temporary "report.json.tmp.XXXXXX" beside it, never a partial
// report.json; here the runner is killed mid-case, so there is none.)
TEST(ReliabilityFaults, KillNineLeavesTheEarlierReportAndNoCaseBehind) {
  // Orphans of the killed runner become ours, so we can reap them.
  ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  std::string dir = test_dir("kill9");
  std::string out_dir = dir + "/out";
  std::filesystem::create_directories(out_dir);
  std::string out = out_dir + "/report.json";
  std::string earlier = small_report({"earlier"}).dump(1) + "\n";
  write_text(out, earlier);
  pid_t child = -1;
  {
    Background run({"run", "--filter", "^selftest/hang/", "--dataset", small_input(dir), "--timeout", "3600",
                    "--repetitions", "1", "--min-time", "0.01", "--out", out},
                   dir + "/run");
    child = run.wait_for_case_child();
    ASSERT_GT(child, 0);
    ASSERT_EQ(::kill(run.pid(), SIGKILL), 0);
    int status = run.wait();
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  }
  auto t0 = Clock::now();
  while (!gone(child) && seconds_since(t0) < kSafetySeconds) ::usleep(2000);
  bool child_gone = gone(child);
  if (!child_gone) ::kill(child, SIGKILL);  // ours to clean up either way
  int child_status = 0;
  pid_t reaped = ::waitpid(child, &child_status, 0);
  ::prctl(PR_SET_CHILD_SUBREAPER, 0);
  EXPECT_TRUE(child_gone) << "the case child outlived the killed runner";
  if (reaped == child) {
    EXPECT_TRUE(WIFSIGNALED(child_status) && WTERMSIG(child_status) == SIGKILL);
  }
  EXPECT_EQ(read_text(out), earlier);
  EXPECT_EQ(entries(out_dir), std::set<std::string>{"report.json"});
}

// Crashes, exceptions, garbage on the result channel, a silent exit and a raw
// SIGBUS each fail their own case only; the report is whole and every reader
// accepts it. (Runner.FaultyCasesCostOnlyThemselves covers the same faults
// with a memory limit, which sanitizer builds cannot run.)
TEST(ReliabilityFaults, FaultCaseReportsAreCompleteAndReadable) {
  std::string dir = test_dir("fault_report");
  std::string out = dir + "/report.json";
  CommandResult r = run_membench(
      {"run", "--filter", "^selftest/(touch|leak|segfault|abort|throw|garbage|exit_silently|sigbus|mmap-truncated)/",
       "--dataset", small_input(dir), "--repetitions", "1", "--min-time", "0.01", "--out", out});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  json rep = load(out);
  ASSERT_EQ(rep["results"].size(), 9u);
  for (const json& c : rep["results"]) {
    for (const char* key : {"id", "workload", "strategy", "dataset", "allocator", "params", "status", "error",
                            "input_bytes", "input_items", "output_digest"})
      EXPECT_TRUE(c.contains(key)) << c["id"] << " lacks " << key;
    std::string strategy = c["strategy"];
    if (strategy == "touch" || strategy == "leak") {
      EXPECT_EQ(c["status"], "ok") << c["error"];
      EXPECT_TRUE(c.contains("time") && c.contains("memory")) << c["id"];
    } else {
      EXPECT_EQ(c["status"], "failed") << c["id"];
      EXPECT_FALSE(c["error"].get<std::string>().empty()) << c["id"];
      EXPECT_EQ(line_count(c["error"].get<std::string>()), 0) << c["error"];
    }
  }
  auto error_of = [&](const char* strategy) {
    const json* c = find_case(rep, std::string("selftest/") + strategy + "/file:input.txt/glibc");
    return c ? (*c)["error"].get<std::string>() : std::string("absent");
  };
  // Under ASan the sanitizer's own handler reports a SIGSEGV/SIGBUS and exits.
  if (!sanitizer_build()) {
    EXPECT_NE(error_of("segfault").find("killed by SIGSEGV"), std::string::npos) << error_of("segfault");
    EXPECT_NE(error_of("sigbus").find("killed by SIGBUS"), std::string::npos) << error_of("sigbus");
  }
  EXPECT_NE(error_of("abort").find("killed by SIGABRT"), std::string::npos) << error_of("abort");
  EXPECT_NE(error_of("throw").find("selftest: thrown on purpose"), std::string::npos) << error_of("throw");
  EXPECT_NE(error_of("garbage").find("malformed result"), std::string::npos) << error_of("garbage");
  EXPECT_NE(error_of("exit_silently").find("exited without reporting"), std::string::npos) << error_of("exit_silently");
  EXPECT_NE(error_of("mmap-truncated").find("shrank while it was mapped (SIGBUS at byte 524288 of 1048576"),
            std::string::npos)
      << error_of("mmap-truncated");
  expect_readable_report(out);
}

TEST(ReliabilityFaults, TimedOutCaseReportIsReadable) {
  std::string dir = test_dir("timeout_report");
  std::string out = dir + "/report.json";
  CommandResult r = run_membench({"run", "--filter", "^selftest/hang/", "--dataset", small_input(dir), "--timeout",
                                  "1", "--repetitions", "1", "--min-time", "0.01", "--out", out});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  json c = load(out)["results"][0];
  EXPECT_EQ(c["status"], "timeout");
  EXPECT_NE(c["error"].get<std::string>().find("exceeded --timeout 1 s in the memory run"), std::string::npos)
      << c["error"];
  expect_readable_report(out);
}

TEST(ReliabilityFaults, OutOfMemoryCaseReportIsReadable) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("RLIMIT_DATA (--memory-limit) cannot hold ASan's shadow memory");
  std::string dir = test_dir("oom_report");
  std::string out = dir + "/report.json";
  CommandResult r = run_membench({"run", "--filter", "^selftest/allocate_forever/", "--dataset", small_input(dir),
                                  "--memory-limit", "128MiB", "--repetitions", "1", "--min-time", "0.01", "--out", out});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  json c = load(out)["results"][0];
  EXPECT_EQ(c["status"], "oom") << c["error"];
  expect_readable_report(out);
}

namespace {

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

}  // namespace

// The mmap strategy of a real run, its file truncated while mapped: SIGBUS
// becomes the case's `failed` status with the reason; the report is whole.
TEST(ReliabilityFaults, FileTruncatedWhileMappedFailsTheCaseWithAReason) {
  std::string dir = test_dir("truncated_run");
  std::string out = dir + "/report.json";
  TruncationRace race(dir);
  Background run({"run", "--filter", "^hash/mmap/", "--dataset", race.path, "--repetitions", "1", "--min-time",
                  "0.01", "--out", out},
                 dir + "/run");
  bool truncated = race.truncate_when_mapped(run, [&] {
    std::vector<pid_t> children = case_children(run.pid());
    return children.empty() ? pid_t{-1} : children.front();
  });
  int status = run.wait();
  ASSERT_TRUE(WIFEXITED(status)) << run.err();
  json rep = load(out);
  ASSERT_EQ(rep["results"].size(), 1u);
  json c = rep["results"][0];
  // Lost the race: the whole file was read before the truncation.
  if (c["status"] == "ok") GTEST_SKIP() << "the case read the file before it could be truncated";
  ASSERT_TRUE(truncated) << "the case failed without the file being truncated: " << c["error"];
  EXPECT_EQ(WEXITSTATUS(status), 1) << run.err();
  EXPECT_EQ(c["status"], "failed");
  EXPECT_NE(c["error"].get<std::string>().find("shrank while it was mapped (SIGBUS at byte"), std::string::npos)
      << c["error"];
  expect_readable_report(out);
}

// `membench hash --strategy mmap` runs the strategy in its own process: the
// truncation is an error on stderr and exit 2, not a crash.
TEST(ReliabilityFaults, HashCommandReportsAFileTruncatedWhileMapped) {
  std::string dir = test_dir("truncated_hash");
  TruncationRace race(dir);
  Background hash({"hash", "--strategy", "mmap", race.path}, dir + "/hash");
  bool truncated = race.truncate_when_mapped(hash, [&] { return hash.pid(); });
  int status = hash.wait();
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  // Lost the race: the whole file was hashed before the truncation.
  if (WEXITSTATUS(status) == 0) GTEST_SKIP() << "the hash finished before the file could be truncated";
  ASSERT_TRUE(truncated) << "hash failed without the file being truncated: " << hash.err();
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_EQ(line_count(hash.err()), 1) << hash.err();
  EXPECT_NE(hash.err().find("big.bin: the file shrank while it was mapped (SIGBUS at byte"), std::string::npos)
      << hash.err();
  EXPECT_EQ(hash.out(), "");
}

// ===== bad input to run ======================================================

TEST(ReliabilityInput, MissingDatasetIsExitTwo) {
  std::string dir = test_dir("missing_dataset");
  expect_bad_run({"--filter", "^hash/stream/", "--dataset", dir + "/no-such-file"}, "No such file or directory");
}

TEST(ReliabilityInput, DirectoryDatasetIsExitTwo) {
  std::string dir = test_dir("directory_dataset");
  expect_bad_run({"--filter", "^hash/stream/", "--dataset", dir}, "is a directory");
}

TEST(ReliabilityInput, FifoDatasetIsExitTwoWithoutBlocking) {
  std::string dir = test_dir("fifo_dataset");
  std::string fifo = dir + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  // Nobody writes to it: a harness that opened it for reading would block here.
  expect_bad_run({"--filter", "^hash/stream/", "--dataset", fifo}, "not a regular file");
}

// Permissions do not stop root: as root the test runs membench as "nobody".
TEST(ReliabilityInput, UnreadableDatasetIsExitTwo) {
  std::string dir = test_dir("unreadable_dataset");
  std::string file = small_input(dir, "secret.txt");
  ASSERT_EQ(::chmod(file.c_str(), 0), 0);
  std::string out_dir = dir + "/out";
  std::filesystem::create_directories(out_dir);
  ASSERT_EQ(::chmod(out_dir.c_str(), 0777), 0);  // writable by whoever runs membench
  std::vector<std::string> args{"run", "--filter", "^hash/stream/", "--dataset", file, "--out", out_dir + "/report.json"};
  CommandResult r;
  if (::geteuid() == 0) {
    const uid_t nobody = 65534;
    CommandResult probe = run_membench_as(nobody, nobody, {"--version"}, dir + "/probe");
    if (probe.exit_code != 0)
      GTEST_SKIP() << "root bypasses file permissions, and user 65534 cannot run " << MEMBENCH_BINARY
                   << " here to test an unreadable file";
    r = run_membench_as(nobody, nobody, args, dir + "/run");
  } else {
    r = run_membench(args);
  }
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("secret.txt: cannot read: Permission denied"), std::string::npos) << r.err;
  EXPECT_EQ(entries(out_dir), std::set<std::string>{});
}

// An empty file is valid input: every hash strategy runs, including the
// mapping ones (a 0-length file is never mapped), and all agree on the digest
// of nothing.
TEST(ReliabilityInput, EmptyDatasetRunsAndHashesToTheEmptyDigest) {
  std::string dir = test_dir("empty_dataset");
  std::string file = dir + "/empty.txt";
  write_text(file, "");
  std::string out = dir + "/report.json";
  CommandResult r = run_membench({"run", "--filter", "^hash/", "--dataset", file, "--repetitions", "1",
                                  "--min-time", "0.01", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json rep = load(out);
  ASSERT_GE(rep["results"].size(), 4u);
  // output_digest is the SHA-256 of the strategy's output, the 32 raw bytes
  // of the file's digest: here SHA-256 of nothing.
  std::string expected = sha256_hex(sha256_raw(""));
  std::set<std::string> strategies;
  for (const json& c : rep["results"]) {
    strategies.insert(c["strategy"].get<std::string>());
    EXPECT_EQ(c["status"], "ok") << c["id"] << ": " << c["error"];
    EXPECT_EQ(c["input_bytes"], 0) << c["id"];
    EXPECT_EQ(c["output_digest"], expected) << c["id"];
  }
  for (const char* s : {"full_read", "stream", "mmap", "mmap-populate"}) EXPECT_TRUE(strategies.count(s)) << s;
  expect_readable_report(out);
}

TEST(ReliabilityInput, ZeroLengthMmapHashesToTheEmptyDigest) {
  std::string dir = test_dir("zero_mmap");
  std::string file = dir + "/empty.txt";
  write_text(file, "");
  std::string empty_sha = sha256_hex("");
  ASSERT_EQ(empty_sha, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  for (const char* strategy : {"mmap", "mmap-populate", "full_read", "stream"}) {
    CommandResult r = run_membench({"hash", "--strategy", strategy, file});
    EXPECT_EQ(r.exit_code, 0) << strategy << ": " << r.err;
    EXPECT_EQ(r.out, empty_sha + "  " + file + "\n") << strategy;
    EXPECT_EQ(r.err, "") << strategy;
  }
}

// selftest/grow appends to its input on every run, after hash/stream has read
// it: the run completes, each case measured the file as its own processes
// found it, and the report says the dataset changed.
TEST(ReliabilityInput, GrowingDatasetRunCompletesAndIsFlagged) {
  std::string dir = test_dir("growing_dataset");
  std::string file = small_input(dir, "growing.txt");
  std::string out = dir + "/report.json";
  CommandResult r = run_membench({"run", "--filter", "^(hash/stream|selftest/grow)/", "--dataset", file,
                                  "--repetitions", "1", "--min-time", "0.01", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json rep = load(out);
  const json* stream = find_case(rep, "hash/stream/file:growing.txt/glibc");
  const json* grow = find_case(rep, "selftest/grow/file:growing.txt/glibc");
  ASSERT_TRUE(stream && grow);
  EXPECT_EQ((*stream)["status"], "ok");
  EXPECT_EQ((*grow)["status"], "ok");
  EXPECT_EQ((*stream)["input_bytes"], 100000);  // it ran before any growth
  json d = rep["context"]["datasets"]["file:growing.txt"];
  EXPECT_EQ(d["changed_during_run"], true) << d;
  EXPECT_EQ(d["bytes_at_start"], 100000) << d;
  auto now = static_cast<std::uint64_t>(std::filesystem::file_size(file));
  EXPECT_EQ(d["bytes_at_end"], now) << d;
  EXPECT_GT(now, 100000u);
  EXPECT_NE(r.err.find("warning: dataset file:growing.txt changed during the run"), std::string::npos) << r.err;
  expect_readable_report(out);
}

// Another process appends to the dataset while the hash strategies read it.
// Whatever each one saw, the run completes with a whole report; a strategy
// whose digest differs is a mismatch that says the dataset changed.
TEST(ReliabilityInput, DatasetAppendedToDuringRunCompletes) {
  std::string dir = test_dir("appended_dataset");
  std::string file = small_input(dir, "appended.txt");
  std::string out = dir + "/report.json";
  Background run({"run", "--filter", "^hash/(stream|full_read|mmap)/", "--dataset", file, "--repetitions", "1",
                  "--min-time", "0.01", "--out", out},
                 dir + "/run");
  // The first case child exists: the run has recorded the file's state.
  ASSERT_GT(run.wait_for_case_child(), 0);
  std::string chunk(4096, 'b');
  while (run.running()) {
    std::ofstream(file, std::ios::binary | std::ios::app) << chunk;
    ::usleep(1000);
  }
  int status = run.wait();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_TRUE(WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 1) << run.err();
  json rep = load(out);
  ASSERT_EQ(rep["results"].size(), 3u);
  for (const json& c : rep["results"]) {
    std::string s = c["status"];
    EXPECT_TRUE(s == "ok" || s == "mismatch") << c["id"] << ": " << s << " " << c["error"];
    if (s == "mismatch") {
      EXPECT_NE(c["error"].get<std::string>().find("the dataset changed during the run"), std::string::npos)
          << c["error"];
    }
  }
  EXPECT_EQ(rep["context"]["datasets"]["file:appended.txt"]["changed_during_run"], true);
  expect_readable_report(out);
}

// Spaces and non-ASCII bytes, in UTF-8 and not: the case id's dataset name
// is sanitised; the report records the real path (its exact bytes as hex
// when they are not UTF-8, which JSON strings cannot hold).
TEST(ReliabilityInput, PathWithSpacesAndNonAsciiBytesWorks) {
  std::string dir = test_dir("odd_paths");
  std::string utf8 = dir + "/my data \xc3\xa9t\xc3\xa9.txt";        // "my data été.txt"
  std::string latin1 = dir + "/raw \xff name.txt";                  // not UTF-8
  write_text(utf8, "hello");
  write_text(latin1, "world");
  std::string out = dir + "/report.json";
  CommandResult r = run_membench({"run", "--filter", "^hash/stream/", "--dataset", utf8, "--dataset", latin1,
                                  "--repetitions", "1", "--min-time", "0.01", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json rep = load(out);
  ASSERT_EQ(rep["results"].size(), 2u);
  const std::regex safe_id("[A-Za-z0-9._:/-]+");
  for (const json& c : rep["results"]) {
    EXPECT_TRUE(std::regex_match(c["id"].get<std::string>(), safe_id)) << c["id"];
    EXPECT_EQ(c["status"], "ok") << c["error"];
  }
  EXPECT_TRUE(find_case(rep, "hash/stream/file:my_data___t__.txt/glibc"));
  EXPECT_TRUE(find_case(rep, "hash/stream/file:raw___name.txt/glibc"));
  json datasets = rep["context"]["datasets"];
  EXPECT_EQ(datasets["file:my_data___t__.txt"]["path"], utf8);
  EXPECT_FALSE(datasets["file:my_data___t__.txt"].contains("path_hex"));
  std::string hex;
  for (unsigned char ch : latin1) {
    char b[3];
    std::snprintf(b, sizeof b, "%02x", ch);
    hex += b;
  }
  EXPECT_EQ(datasets["file:raw___name.txt"]["path_hex"], hex);
  expect_readable_report(out);
}

TEST(ReliabilityInput, TwoFilesWithOneSanitisedNameAreRefused) {
  std::string dir = test_dir("name_clash");
  std::string a = small_input(dir, "a b.txt"), b = small_input(dir, "a_b.txt");
  expect_bad_run({"--filter", "^hash/stream/", "--dataset", a, "--dataset", b}, "would both be dataset 'file:a_b.txt'");
}

TEST(ReliabilityInput, SameDatasetTwiceRunsOnce) {
  std::string dir = test_dir("same_twice");
  std::string file = small_input(dir);
  std::string out = dir + "/report.json";
  CommandResult r = run_membench({"run", "--filter", "^hash/stream/", "--dataset", file, "--dataset",
                                  dir + "/./input.txt", "--repetitions", "1", "--min-time", "0.01", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(load(out)["results"].size(), 1u);
}

TEST(ReliabilityInput, InvalidFilterRegexIsExitTwo) {
  expect_bad_run({"--filter", "(unclosed"}, "is not a valid regular expression");
  expect_bad_run({"--filter", "[z-a]"}, "is not a valid regular expression");
}

TEST(ReliabilityInput, FilterMatchingNothingIsExitTwo) {
  expect_bad_run({"--filter", "^no-such-workload/"}, "matches no case");
}

TEST(ReliabilityInput, BadShardIsExitTwo) {
  for (const char* shard : {"0/2", "3/2", "x/y", "1/0", "1/2x", "-1/2", "1", ""})
    expect_bad_run({"--filter", "^hash/stream/", "--shard", shard}, "--shard");
}

TEST(ReliabilityInput, BadRepetitionsIsExitTwo) {
  for (const char* reps : {"0", "-3", "99999999999", "1.5", "many", ""})
    expect_bad_run({"--filter", "^hash/stream/", "--repetitions", reps}, "--repetitions must be an integer from 1 to");
}

// ===== bad input to compare, report and merge =================================

namespace {

struct ReportFiles {
  std::string dir, good;
  explicit ReportFiles(const std::string& name) : dir(test_dir(name)), good(dir + "/good.json") {
    write_text(good, small_report({"d1", "d2"}).dump(1));
  }
  std::string write(const std::string& name, const std::string& text) const {
    write_text(dir + "/" + name, text);
    return dir + "/" + name;
  }
  std::string write(const std::string& name, const json& j) const { return write(name, j.dump(1)); }
  std::string write(const std::string& name, const char* text) const { return write(name, std::string(text)); }
};

}  // namespace

TEST(ReliabilityReports, NonJsonReportIsExitTwo) {
  SKIP_WITHOUT_REPORT_COMMANDS();
  ReportFiles f("report_not_json");
  expect_refused_everywhere(f.write("text.json", "this is not JSON\n"), f.good, "not valid JSON");
  expect_refused_everywhere(f.write("binary.json", std::string("\x00\xff\xfe{\x01", 5)), f.good, "not valid JSON");
}

TEST(ReliabilityReports, TruncatedJsonReportIsExitTwo) {
  SKIP_WITHOUT_REPORT_COMMANDS();
  ReportFiles f("report_truncated");
  std::string text = read_text(f.good);
  expect_refused_everywhere(f.write("truncated.json", text.substr(0, text.size() / 2)), f.good, "not valid JSON");
}

TEST(ReliabilityReports, EmptyReportFileIsExitTwo) {
  SKIP_WITHOUT_REPORT_COMMANDS();
  ReportFiles f("report_empty");
  expect_refused_everywhere(f.write("empty.json", ""), f.good, "not valid JSON");
}

TEST(ReliabilityReports, MissingReportFileIsExitTwo) {
  SKIP_WITHOUT_REPORT_COMMANDS();
  ReportFiles f("report_missing");
  expect_refused_everywhere(f.dir + "/absent.json", f.good, "cannot open");
}

TEST(ReliabilityReports, OtherSchemaIsExitTwo) {
  SKIP_WITHOUT_REPORT_COMMANDS();
  ReportFiles f("report_other_schema");
  // Google Benchmark's own JSON, a bare array, another program's schema.
  expect_refused_everywhere(f.write("gbench.json", json{{"context", {{"date", "today"}}}, {"benchmarks", json::array()}}),
                            f.good, "has no 'schema'");
  expect_refused_everywhere(f.write("array.json", json::array({1, 2})), f.good, "is not a JSON object");
  json other = small_report({"d1"});
  other["schema"] = "someone.else/1";
  expect_refused_everywhere(f.write("other.json", other), f.good, "'someone.else/1' is not supported");
}

TEST(ReliabilityReports, OtherSchemaVersionIsExitTwo) {
  SKIP_WITHOUT_REPORT_COMMANDS();
  ReportFiles f("report_other_version");
  json next = small_report({"d1"});
  next["schema"] = "membench.report/3";
  expect_refused_everywhere(f.write("v3.json", next), f.good, "'membench.report/3' is not supported");
}

// JSON has no NaN: a writer that had one writes null (nlohmann) or a bare NaN
// token (not JSON at all). Both are refused.
TEST(ReliabilityReports, NanFigureIsExitTwo) {
  SKIP_WITHOUT_REPORT_COMMANDS();
  ReportFiles f("report_nan");
  json j = small_report({"d1"});
  j["results"][0]["memory"]["peak_rss_bytes"] = nullptr;
  expect_refused_everywhere(f.write("null-u64.json", j), f.good, "peak_rss_bytes: is null");
  j = small_report({"d1"});
  j["results"][0]["time"]["median_real_ns"] = nullptr;
  expect_refused_everywhere(f.write("null-double.json", j), f.good, "median_real_ns: is not a number");
  std::string text = small_report({"d1"}).dump();
  auto at = text.find("\"cv\":0.05");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 9, "\"cv\":NaN");
  expect_refused_everywhere(f.write("nan-token.json", text), f.good, "not valid JSON");
}

TEST(ReliabilityReports, NegativeFigureIsExitTwo) {
  SKIP_WITHOUT_REPORT_COMMANDS();
  ReportFiles f("report_negative");
  json j = small_report({"d1"});
  j["results"][0]["memory"]["peak_rss_bytes"] = -5;
  expect_refused_everywhere(f.write("negative-u64.json", j), f.good, "peak_rss_bytes: is not a non-negative integer");
  j = small_report({"d1"});
  j["results"][0]["time"]["real_ns"][1] = -1.5;
  expect_refused_everywhere(f.write("negative-double.json", j), f.good, "real_ns[1]: is negative");
}

TEST(ReliabilityReports, MissingFigureIsExitTwo) {
  SKIP_WITHOUT_REPORT_COMMANDS();
  ReportFiles f("report_missing_figure");
  json j = small_report({"d1"});
  j["results"][0]["memory"].erase("peak_rss_bytes");
  expect_refused_everywhere(f.write("no-peak.json", j), f.good, "missing field 'peak_rss_bytes'");
  j = small_report({"d1"});
  j["results"][0].erase("status");
  expect_refused_everywhere(f.write("no-status.json", j), f.good, "missing field 'status'");
  j = small_report({"d1"});
  j.erase("results");
  expect_refused_everywhere(f.write("no-results.json", j), f.good, "missing field 'results'");
}

// compare has nothing to judge: exit 2. report renders both (a history may
// change its cases) and merge joins them (shards hold different cases).
TEST(ReliabilityReports, ReportsWithNoCommonCase) {
  SKIP_WITHOUT_REPORT_COMMANDS();
  ReportFiles f("report_disjoint");
  std::string a = f.write("a.json", small_report({"d1"}, "1/2"));
  std::string b = f.write("b.json", small_report({"d2"}, "2/2"));
  CommandResult c = run_membench({"compare", a, b, "--markdown", f.dir + "/c.md"});
  EXPECT_EQ(c.exit_code, 2) << c.err;
  EXPECT_EQ(line_count(c.err), 1) << c.err;
  EXPECT_NE(c.err.find("shares no case"), std::string::npos) << c.err;
  EXPECT_FALSE(std::filesystem::exists(f.dir + "/c.md"));
  CommandResult r = run_membench({"report", a, b, "-o", f.dir + "/r.html"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  CommandResult m = run_membench({"merge", a, b, "-o", f.dir + "/m.json"});
  EXPECT_EQ(m.exit_code, 0) << m.err;
  if (m.exit_code == 0) {
    EXPECT_EQ(load(f.dir + "/m.json")["results"].size(), 2u);
  }
}

TEST(ReliabilityReports, ThresholdsWithUnknownMetricIsExitTwo) {
  SKIP_WITHOUT_REPORT_COMMANDS();
  ReportFiles f("report_thresholds");
  auto refused = [&](const std::string& thresholds, const std::string& why) {
    CommandResult r = run_membench({"compare", f.good, f.good, "--thresholds", thresholds, "--markdown", f.dir + "/t.md"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(line_count(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(std::filesystem::path(thresholds).filename().string()), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(why), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(f.dir + "/t.md"));
  };
  refused(f.write("unknown-metric.json", json{{"defaults", {{"allocations.bogus", 0}}}}),
          "unknown metric 'allocations.bogus'");
  refused(f.write("unknown-override-metric.json",
                  json{{"overrides", json::array({{{"pattern", "^hash/"}, {"metric", "memory.bogus"}, {"relative", 0.1}}})}}),
          "unknown metric 'memory.bogus'");
  refused(f.write("not-json.json", "{"), "not valid JSON");
  refused(f.dir + "/absent.json", "cannot open");
}

// ===== the table in docs/reliability.md =========================================

TEST(ReliabilityDocs, TableListsExactlyTheReliabilityTests) {
  std::string doc_path = std::string(MEMBENCH_TEST_SOURCE_DIR) + "/../docs/reliability.md";
  std::string doc = read_text(doc_path);
  ASSERT_FALSE(doc.empty()) << doc_path;
  // Test names in the table are written `Suite.Name`.
  std::set<std::string> listed;
  const std::regex name("`([A-Z][A-Za-z]*\\.[A-Z][A-Za-z0-9]*)`");
  for (auto it = std::sregex_iterator(doc.begin(), doc.end(), name); it != std::sregex_iterator(); ++it)
    listed.insert((*it)[1]);
  std::set<std::string> existing, reliability;
  const auto* unit = ::testing::UnitTest::GetInstance();
  for (int i = 0; i < unit->total_test_suite_count(); ++i) {
    const auto* suite = unit->GetTestSuite(i);
    for (int k = 0; k < suite->total_test_count(); ++k) {
      std::string full = std::string(suite->name()) + "." + suite->GetTestInfo(k)->name();
      existing.insert(full);
      if (std::string(suite->name()).rfind("Reliability", 0) == 0 && std::string(suite->name()) != "ReliabilityDocs")
        reliability.insert(full);
    }
  }
  // Tests of the unit-test binary are found in its sources.
  std::string sources;
  for (const auto& e : std::filesystem::recursive_directory_iterator(MEMBENCH_TEST_SOURCE_DIR))
    if (e.path().extension() == ".cpp") sources += read_text(e.path().string());
  auto defined_in_sources = [&](const std::string& t) {
    auto dot = t.find('.');
    std::string args = t.substr(0, dot) + ", " + t.substr(dot + 1) + ")";
    return sources.find("TEST(" + args) != std::string::npos || sources.find("TEST_F(" + args) != std::string::npos;
  };
  for (const std::string& t : listed)
    EXPECT_TRUE(existing.count(t) || defined_in_sources(t)) << doc_path << " names " << t << ", which does not exist";
  for (const std::string& t : reliability) EXPECT_TRUE(listed.count(t)) << t << " is missing from " << doc_path;
}
