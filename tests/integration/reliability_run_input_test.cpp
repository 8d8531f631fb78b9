// `membench run` given bad input: missing, unreadable, odd or changing
// dataset files, bad filters and options. Refused with exit 2 and one line
// before anything runs, or run to a whole report. docs/reliability.md tables them.
#include <grp.h>

#include <regex>

#include "reliability_support.h"

namespace {

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

}  // namespace

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
  // At least one append, however fast the run is.
  std::string chunk(4096, 'b');
  do {
    std::ofstream(file, std::ios::binary | std::ios::app) << chunk;
    ::usleep(1000);
  } while (run.running());
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
