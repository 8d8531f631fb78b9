// Hostile inputs a user found: a command asked to write over its own input,
// a "report" that is a FIFO or /dev/zero (read for ever) or larger than any
// report, and a report holding one case id twice. Each is refused before
// anything is read or written: exit 2, one line on stderr naming the
// problem, the input byte for byte as it was, no output and no temporary.
//
// docs/reliability.md lists these tests (ReliabilityDocs keeps it in sync).
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "process_helpers.h"
#include "../common/report_json_builders.h"

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// A command that hangs on a FIFO or /dev/zero fails the test instead of
// hanging it: coreutils' timeout ends it with exit 124.
const std::string kNoHang = "timeout -k 5 60 ";

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

int lines(const std::string& text) { return static_cast<int>(std::count(text.begin(), text.end(), '\n')); }

// A valid report of one hash/stream case per dataset.
json report_of(const std::vector<std::string>& datasets) {
  json results = json::array();
  for (const std::string& d : datasets) {
    json c = membench::test::case_json("hash", "stream", d);
    c["params"] = {{"buffer_bytes", 8192}};
    membench::test::with_time(c, {1000.0, 1100.0}, 100);
    membench::test::with_memory(c, 4 << 20, 1 << 20);
    membench::test::with_allocations(c, 6, 8500, 8400, 2);
    results.push_back(std::move(c));
  }
  return membench::test::report_json(results, {{"membench_version", "0.1.0"}, {"suite", "custom"}});
}

// Every file under a directory with its bytes (symbolic links as their
// target's name; FIFOs are never opened), to show that a refused command
// changed nothing there.
std::map<std::string, std::string> snapshot(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    std::string rel = fs::relative(e.path(), dir).string();
    if (e.is_symlink()) files[rel] = "-> " + fs::read_symlink(e.path()).string();
    else if (e.is_regular_file() && e.file_size() > (1u << 20))  // the sparse giants: size and time
      files[rel] = std::to_string(e.file_size()) + " bytes, modified " +
                   std::to_string(e.last_write_time().time_since_epoch().count());
    else if (e.is_regular_file()) files[rel] = read_text(e.path().string());
    else files[rel] = "(other)";
  }
  return files;
}

// A directory of this test's own, holding two good reports.
struct Dir {
  std::string path, a, b;
  Dir() : path(test_dir(std::string("hostile_") + ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    a = path + "/a.json";
    b = path + "/b.json";
    write_text(a, report_of({"d1", "d2"}).dump(1));
    write_text(b, report_of({"d1", "d2"}).dump(1));
  }
};

// Runs membench with `args` and expects the refusal: exit 2, exactly one line
// on stderr holding every one of `why`, and nothing under `dir` changed
// (inputs byte for byte, no output, no temporary).
void expect_refused(const std::string& dir, const std::vector<std::string>& args,
                    const std::vector<std::string>& why) {
  std::map<std::string, std::string> before = snapshot(dir);
  CommandResult r = run_membench(args, kNoHang);
  std::string shown;
  for (const std::string& a : args) shown += a + " ";
  EXPECT_EQ(r.exit_code, 2) << shown << "\n" << r.err;
  EXPECT_EQ(lines(r.err), 1) << shown << "\n" << r.err;
  EXPECT_EQ(r.err.rfind("membench: ", 0), 0u) << shown << "\n" << r.err;
  for (const std::string& w : why) EXPECT_NE(r.err.find(w), std::string::npos) << shown << "\nwanted: " << w << "\ngot: " << r.err;
  std::map<std::string, std::string> after = snapshot(dir);
  EXPECT_EQ(after.size(), before.size()) << shown << ": files appeared or vanished";
  for (const auto& [name, bytes] : before) {
    auto it = after.find(name);
    ASSERT_NE(it, after.end()) << shown << ": " << name << " is gone";
    EXPECT_TRUE(it->second == bytes) << shown << ": " << name << " changed";
  }
}

const std::string kOverwrite = "is also an input";
const std::string kRefusing = "refusing to overwrite it";

}  // namespace

// ===== no command writes over one of its inputs ===================================

TEST(ReliabilityHostile, ReportRefusesToWriteOverItsInput) {
  Dir d;
  // The issue as reported: the input replaced by the HTML page.
  expect_refused(d.path, {"report", d.a, "-o", d.a}, {"report: -o " + d.a + " " + kOverwrite + "; " + kRefusing});
  expect_refused(d.path, {"report", d.a, "--out", d.a}, {kOverwrite, kRefusing});
  expect_refused(d.path, {"report", d.a, "--markdown", d.a}, {"--markdown " + d.a + " " + kOverwrite});
  // The older report of a history, and an output given with another spelling.
  expect_refused(d.path, {"report", d.a, d.b, "-o", d.path + "/x.html", "--markdown", d.a}, {kOverwrite});
  expect_refused(d.path, {"report", d.a, "-o", d.path + "/./sub/../a.json"}, {kOverwrite, "the same file"});
}

TEST(ReliabilityHostile, CompareRefusesToWriteOverAnInput) {
  Dir d;
  std::string thresholds = d.path + "/thresholds.json";
  write_text(thresholds, R"({"defaults": {"allocations.count": {"relative": 0}}})");
  expect_refused(d.path, {"compare", d.a, d.b, "--markdown", d.a}, {"compare: --markdown " + d.a + " " + kOverwrite});
  expect_refused(d.path, {"compare", d.a, d.b, "--html", d.b}, {"--html " + d.b + " " + kOverwrite});
  expect_refused(d.path, {"compare", d.a, d.b, "--out", d.a}, {"--out " + d.a + " " + kOverwrite});
  expect_refused(d.path, {"compare", d.a, d.b, "--thresholds", thresholds, "--markdown", thresholds},
                 {kOverwrite + " (--thresholds)"});
  // Nothing at all is written when one of two outputs is an input.
  expect_refused(d.path, {"compare", d.a, d.b, "--markdown", d.path + "/c.md", "--html", d.a}, {kOverwrite});
  // Two outputs naming one file: the second would replace the first.
  expect_refused(d.path, {"compare", d.a, d.b, "--markdown", d.path + "/c.out", "--html", d.path + "/c.out"},
                 {"name the same file"});
}

TEST(ReliabilityHostile, AbRefusesToWriteOverAnInput) {
  Dir d;
  // Refused before either build is looked at: these need not be executables.
  std::string base = d.path + "/base-build", head = d.path + "/head-build";
  write_text(base, "not run\n");
  write_text(head, "not run\n");
  std::string thresholds = d.path + "/thresholds.json", data = d.path + "/data.txt";
  write_text(thresholds, "{}");
  write_text(data, std::string(4096, 'a'));
  expect_refused(d.path, {"ab", base, head, "--out", head}, {"ab: --out " + head + " " + kOverwrite + "; " + kRefusing});
  expect_refused(d.path, {"ab", base, head, "--thresholds", thresholds, "--markdown", thresholds},
                 {"--markdown " + thresholds + " " + kOverwrite + " (--thresholds)"});
  expect_refused(d.path, {"ab", base, head, "--dataset", data, "--html", data}, {kOverwrite + " (--dataset)"});
  expect_refused(d.path, {"ab", base, head, "--reports", d.path, "--out", d.path + "/base.json"},
                 {"name the same file"});
}

TEST(ReliabilityHostile, MergeRefusesToWriteOverAnInput) {
  Dir d;
  expect_refused(d.path, {"merge", d.a, d.b, "-o", d.b}, {"merge: -o " + d.b + " " + kOverwrite + "; " + kRefusing});
  expect_refused(d.path, {"merge", d.a, "--out", d.a}, {kOverwrite});
}

TEST(ReliabilityHostile, RunRefusesToWriteOverItsDataset) {
  Dir d;
  std::string data = d.path + "/data.txt";
  write_text(data, std::string(4096, 'a'));
  const std::vector<std::string> run{"run", "--filter", "^hash/stream/", "--dataset", data, "--repetitions", "1",
                                     "--min-time", "0.001"};
  for (const char* option : {"--out", "--html", "--markdown", "--gbench-json"}) {
    std::vector<std::string> args = run;
    if (std::string(option) != "--out") args.insert(args.end(), {"--out", d.path + "/r.json"});
    args.insert(args.end(), {option, data});
    expect_refused(d.path, args, {std::string("run: ") + option + " " + data + " " + kOverwrite + " (--dataset)"});
  }
  // Two outputs of one run naming one file.
  std::vector<std::string> args = run;
  args.insert(args.end(), {"--out", d.path + "/r.json", "--html", d.path + "/r.json"});
  expect_refused(d.path, args, {"name the same file"});
}

TEST(ReliabilityHostile, OutputThroughALinkToAnInputIsRefused) {
  Dir d;
  fs::create_directories(d.path + "/links");
  std::string soft = d.path + "/links/soft.json", hard = d.path + "/links/hard.json";
  fs::create_symlink(d.a, soft);
  fs::create_hard_link(d.a, hard);
  for (const std::string& link : {soft, hard}) {
    expect_refused(d.path, {"report", d.a, "-o", link}, {kOverwrite, "(" + d.a + ", the same file)"});
    expect_refused(d.path, {"compare", d.a, d.b, "--html", link}, {kOverwrite});
    expect_refused(d.path, {"merge", d.a, "-o", link}, {kOverwrite});
    // And the other way round: the input given through the link.
    expect_refused(d.path, {"report", link, "-o", d.a}, {kOverwrite});
  }
  std::string data = d.path + "/data.txt", data_link = d.path + "/links/data-link.txt";
  write_text(data, std::string(4096, 'a'));
  fs::create_symlink(data, data_link);
  expect_refused(d.path, {"run", "--filter", "^hash/stream/", "--dataset", data, "--out", data_link}, {kOverwrite});
}

// ===== report files that are not files, or too large ================================

TEST(ReliabilityHostile, NonRegularReportFileIsRefusedWithoutBlocking) {
  Dir d;
  std::string fifo = d.path + "/fifo.json";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string directory = d.path + "/dir.json";
  fs::create_directories(directory);
  const std::vector<std::pair<std::string, std::string>> bad{
      {fifo, "is a FIFO (a report must be a regular file)"},
      {"/dev/zero", "is a character device (a report must be a regular file)"},
      {directory, "is a directory (a report must be a regular file)"}};
  for (const auto& [path, why] : bad) {
    std::string md = d.path + "/out.md", html = d.path + "/out.html", merged = d.path + "/merged.json";
    expect_refused(d.path, {"compare", path, d.a, "--markdown", md}, {path + ": " + why});
    expect_refused(d.path, {"compare", d.a, path, "--html", html}, {path + ": " + why});
    expect_refused(d.path, {"report", d.a, path, "-o", html}, {path + ": " + why});
    expect_refused(d.path, {"report", path, "--markdown", md}, {path + ": " + why});
    expect_refused(d.path, {"merge", d.a, path, "-o", merged}, {path + ": " + why});
  }
}

TEST(ReliabilityHostile, OversizedReportIsRefusedBeforeReading) {
  Dir d;
  // Sparse: 512 MiB + 1 byte by its size, no disk space, and a reader that
  // read it before checking would take seconds and gigabytes to refuse it.
  std::string big = d.path + "/big.json";
  write_text(big, "{");
  fs::resize_file(big, (std::uintmax_t{512} << 20) + 1);
  const std::string why = "big.json: 536870913 bytes is larger than the 512 MiB limit for a report";
  expect_refused(d.path, {"compare", d.a, big, "--markdown", d.path + "/out.md"}, {why});
  expect_refused(d.path, {"report", big, "-o", d.path + "/out.html"}, {why});
  expect_refused(d.path, {"merge", big, d.a, "-o", d.path + "/merged.json"}, {why});
}

TEST(ReliabilityHostile, NonRegularOrOversizedThresholdsFileIsRefused) {
  Dir d;
  std::string fifo = d.path + "/fifo-thresholds.json";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string big = d.path + "/big-thresholds.json";
  write_text(big, "{");
  fs::resize_file(big, (std::uintmax_t{512} << 20) + 1);
  const std::vector<std::pair<std::string, std::string>> bad{
      {fifo, "is a FIFO (a thresholds file must be a regular file)"},
      {"/dev/zero", "is a character device (a thresholds file must be a regular file)"},
      {d.path, "is a directory (a thresholds file must be a regular file)"},
      {big, "is larger than the 512 MiB limit for a thresholds file"}};
  for (const auto& [path, why] : bad)
    expect_refused(d.path, {"compare", d.a, d.b, "--thresholds", path, "--markdown", d.path + "/out.md"},
                   {path + ": ", why});
}

// ===== one case id twice =============================================================

TEST(ReliabilityHostile, DuplicateCaseIdIsRefused) {
  Dir d;
  json dup = report_of({"d1", "d2", "d3", "d2"});
  std::string path = d.path + "/dup.json";
  write_text(path, dup.dump(1));
  const std::string why = "dup.json: results[3]: case id 'hash/stream/d2/glibc' appears twice (first at results[1])";
  expect_refused(d.path, {"compare", d.a, path, "--markdown", d.path + "/out.md"}, {why});
  expect_refused(d.path, {"compare", path, d.a, "--html", d.path + "/out.html"}, {why});
  expect_refused(d.path, {"report", path, "-o", d.path + "/out.html"}, {why});
  expect_refused(d.path, {"merge", path, "-o", d.path + "/merged.json"}, {why});
}

// Each shard is read (and checked) on its own; one case in two shards is
// merge's own refusal, as before.
TEST(ReliabilityHostile, MergeStillRefusesACaseInTwoShards) {
  Dir d;
  std::string one = d.path + "/one.json", two = d.path + "/two.json";
  write_text(one, report_of({"d1", "d2"}).dump(1));
  write_text(two, report_of({"d2", "d3"}).dump(1));
  expect_refused(d.path, {"merge", one, two, "-o", d.path + "/merged.json"},
                 {"two.json: case hash/stream/d2/glibc is also in " + one + " (duplicate case id)"});
  // Shards without a common case still merge.
  write_text(two, report_of({"d3"}).dump(1));
  CommandResult r = run_membench({"merge", one, two, "-o", d.path + "/merged.json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}
