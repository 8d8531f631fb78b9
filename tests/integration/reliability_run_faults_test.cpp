// `membench run` when a case misbehaves: a crash, an exception, garbage on the
// result channel, a hang, endless allocation, a file truncated under a mapping,
// and signals to the runner itself. A fault costs its case only, a signal never
// leaves a partial report. docs/reliability.md tables them.
#include <sys/prctl.h>

#include "reliability_support.h"

namespace {

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
