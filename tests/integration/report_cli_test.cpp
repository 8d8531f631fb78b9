// report, compare and merge run as a user would, on report files written here.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "process_helpers.h"
#include "../common/report_json_builders.h"

namespace {

using membench::test::case_json;
using membench::test::report_json;
using membench::test::with_allocations;
using membench::test::with_memory;
using membench::test::with_time;
using membench::test::with_timeline;
using nlohmann::json;

json make_case(const std::string& workload, const std::string& strategy, std::uint64_t allocations,
               double median_ns = 1e6) {
  json c = case_json(workload, strategy);
  with_time(c, {median_ns, median_ns * 0.98, median_ns * 1.02, median_ns * 0.99, median_ns * 1.01});
  with_memory(c, 9000000, 1000000);
  c["memory"]["peak_anon_bytes"] = 3000000;
  c["memory"]["peak_file_bytes"] = 7000000;
  with_allocations(c, allocations, allocations * 64, allocations * 32, 1);
  std::vector<std::uint64_t> rss, anon, file;
  for (std::uint64_t i = 0; i < 10; ++i) {
    rss.push_back(9000000 + i * 100000);
    anon.push_back(2000000 + i * 100000);
    file.push_back(7000000);
  }
  return with_timeline(c, rss, anon, file);
}

json make_report(const std::string& commit = "abc123") {
  return report_json(json::array({make_case("hash", "full_read", 6), make_case("hash", "stream", 5),
                                  make_case("tokenize", "arena", 12, 4e6)}),
                     {{"suite", "test"}, {"membench_version", "0.1.0"}, {"git_commit", commit},
                      {"created_utc", "2025-01-01T00:00:00Z"}, {"host", "ci"}});
}

std::string write_text(const std::string& dir, const std::string& name, const std::string& text) {
  std::string path = dir + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string write(const std::string& dir, const std::string& name, const json& j) {
  return write_text(dir, name, j.dump(1));
}

std::size_t line_count(const std::string& s) {
  std::size_t n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

// A bad input is exit 2 with one line on stderr naming the file.
void expect_bad_input(const CommandResult& r, const std::string& file, const std::string& what = "") {
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(line_count(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find(file), std::string::npos) << r.err;
  if (!what.empty()) {
    EXPECT_NE(r.err.find(what), std::string::npos) << r.err;
  }
}

void expect_self_contained_html(const std::string& html) {
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  std::regex link("(src|href)\\s*=\\s*\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), link); it != std::sregex_iterator(); ++it) {
    EXPECT_EQ((*it)[1].str(), "href") << "an element loads " << (*it)[2].str();
    EXPECT_EQ((*it)[2].str().rfind("#", 0), 0u) << (*it)[2].str();
  }
}

// ---- compare -------------------------------------------------------------------

TEST(CompareCli, IdenticalReportsExitZero) {
  std::string dir = test_dir("compare_same");
  std::string base = write(dir, "base.json", make_report());
  auto r = run_membench({"compare", base, base});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("no regression"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find('\033'), std::string::npos);  // not a terminal: no colour
}

TEST(CompareCli, OneMoreAllocationExitsOneNamingCaseAndMetric) {
  std::string dir = test_dir("compare_alloc");
  json head = make_report();
  head["results"][1]["allocations"]["count"] = 6;
  std::string b = write(dir, "base.json", make_report()), h = write(dir, "head.json", head);
  std::string md = dir + "/summary.md", html = dir + "/compare.html";
  auto r = run_membench({"compare", b, h, "--markdown", md, "--html", html});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("hash/stream/text-1MiB/glibc"), std::string::npos);
  EXPECT_NE(r.out.find("allocations.count"), std::string::npos);
  EXPECT_NE(r.out.find("1 regression in 1 of 3 cases"), std::string::npos) << r.out;
  // Changed cases come first.
  EXPECT_LT(r.out.find("hash/stream/"), r.out.find("hash/full_read/"));
  std::string summary = read_text(md);
  EXPECT_NE(summary.find("| **REGRESSED** | `hash/stream/text-1MiB/glibc` | allocations.count"), std::string::npos)
      << summary;
  std::string page = read_text(html);
  expect_self_contained_html(page);
  EXPECT_NE(page.find("1 regression in 1 of 3 cases"), std::string::npos);
}

TEST(CompareCli, NoColourWithNoColorSet) {
  std::string dir = test_dir("compare_colour");
  json head = make_report();
  head["results"][0]["allocations"]["count"] = 60;
  std::string b = write(dir, "base.json", make_report()), h = write(dir, "head.json", head);
  auto r = run_shell("NO_COLOR=1 " + shell_quote(MEMBENCH_BINARY) + " compare " + shell_quote(b) + " " + shell_quote(h));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out.find('\033'), std::string::npos);
}

TEST(CompareCli, ColourOnlyOnATerminalWithoutNoColor) {
  if (!std::filesystem::exists("/usr/bin/script")) GTEST_SKIP() << "needs /usr/bin/script to provide a terminal";
  std::string dir = test_dir("compare_tty");
  json head = make_report();
  head["results"][0]["allocations"]["count"] = 60;
  std::string b = write(dir, "base.json", make_report()), h = write(dir, "head.json", head);
  std::string command = shell_quote(MEMBENCH_BINARY) + " compare " + shell_quote(b) + " " + shell_quote(h);
  // script(1) runs the command on a pseudo-terminal and passes its exit code on.
  auto coloured = run_shell("env -u NO_COLOR script -qec " + shell_quote(command) + " /dev/null");
  EXPECT_EQ(coloured.exit_code, 1);
  EXPECT_NE(coloured.out.find("\033["), std::string::npos);
  auto plain = run_shell("NO_COLOR=1 script -qec " + shell_quote(command) + " /dev/null");
  EXPECT_EQ(plain.exit_code, 1);
  EXPECT_EQ(plain.out.find('\033'), std::string::npos);
  EXPECT_NE(plain.out.find("REGRESSED"), std::string::npos);
}

TEST(CompareCli, BadInputsExitTwoWithOneLineNamingTheFile) {
  std::string dir = test_dir("compare_bad");
  std::string good = write(dir, "good.json", make_report());
  std::string text = make_report().dump();

  expect_bad_input(run_membench({"compare", good, write_text(dir, "notjson.json", "hello, world\n")}), "notjson.json",
                   "not valid JSON");
  expect_bad_input(run_membench({"compare", write_text(dir, "truncated.json", text.substr(0, text.size() / 2)), good}),
                   "truncated.json");
  json other = make_report();
  other["schema"] = "membench.report/3";
  expect_bad_input(run_membench({"compare", good, write(dir, "schema.json", other)}), "schema.json",
                   "membench.report/3");
  json foreign = {{"benchmarks", json::array()}, {"context", json::object()}};
  expect_bad_input(run_membench({"compare", good, write(dir, "foreign.json", foreign)}), "foreign.json",
                   "not a membench report");
  // NaN has no JSON spelling: writers emit null, or the bare word.
  json nan_figure = make_report();
  nan_figure["results"][0]["allocations"]["bytes"] = nullptr;
  expect_bad_input(run_membench({"compare", good, write(dir, "nan.json", nan_figure)}), "nan.json", "bytes");
  std::string bare_nan = text;
  std::string cv = "\"cv\":";
  cv += make_report()["results"][0]["time"]["cv"].dump();
  bare_nan.replace(bare_nan.find(cv), cv.size(), "\"cv\":NaN");
  expect_bad_input(run_membench({"compare", good, write_text(dir, "nan2.json", bare_nan)}), "nan2.json");
  json negative = make_report();
  negative["results"][1]["memory"]["peak_rss_delta_bytes"] = -5;
  expect_bad_input(run_membench({"compare", good, write(dir, "negative.json", negative)}), "negative.json",
                   "peak_rss_delta_bytes");
  json missing = make_report();
  missing["results"][2]["allocations"].erase("count");
  expect_bad_input(run_membench({"compare", good, write(dir, "missing.json", missing)}), "missing.json", "count");
  json disjoint = make_report();
  for (json& c : disjoint["results"]) {
    c["dataset"] = "other";
    c["id"] = c["workload"].get<std::string>() + "/" + c["strategy"].get<std::string>() + "/other/glibc";
  }
  expect_bad_input(run_membench({"compare", good, write(dir, "disjoint.json", disjoint)}), "disjoint.json",
                   "no case");
  expect_bad_input(run_membench({"compare", good, dir + "/does-not-exist.json"}), "does-not-exist.json");
}

TEST(CompareCli, UsageErrorsExitTwo) {
  std::string dir = test_dir("compare_usage");
  std::string good = write(dir, "good.json", make_report());
  EXPECT_EQ(run_membench({"compare", good}).exit_code, 2);
  EXPECT_EQ(run_membench({"compare", good, good, "--frobnicate"}).exit_code, 2);
  auto help = run_membench({"compare", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("thresholds file"), std::string::npos);
}

TEST(CompareCli, ThresholdsFile) {
  std::string dir = test_dir("compare_thresholds");
  json head = make_report();
  head["results"][0]["allocations"]["count"] = 7;  // hash/full_read: 6 -> 7
  std::string b = write(dir, "base.json", make_report()), h = write(dir, "head.json", head);
  std::string tolerant = write(dir, "tolerant.json",
                               json::parse(R"({"overrides": [{"pattern": "^hash/full_read/",
                                   "metric": "allocations.count", "relative": 0.25}]})"));
  EXPECT_EQ(run_membench({"compare", b, h, "--thresholds", tolerant}).exit_code, 0);
  EXPECT_EQ(run_membench({"compare", b, h}).exit_code, 1);
  std::string unknown = write(dir, "unknown.json", json::parse(R"({"defaults": {"allocations.cont": 0}})"));
  expect_bad_input(run_membench({"compare", b, h, "--thresholds", unknown}), "unknown.json", "allocations.cont");
  expect_bad_input(run_membench({"compare", b, h, "--thresholds", write_text(dir, "broken.json", "{")}), "broken.json");
}

TEST(CompareCli, StatusRegressionAndOneSidedCases) {
  std::string dir = test_dir("compare_status");
  json base = make_report(), head = make_report();
  head["results"][2]["status"] = "oom";
  head["results"][2]["error"] = "exceeded --memory-limit";
  base["results"].push_back(make_case("old", "gone", 1));
  head["results"].push_back(make_case("new", "added", 1));
  auto r = run_membench({"compare", write(dir, "b.json", base), write(dir, "h.json", head)});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("exceeded --memory-limit"), std::string::npos);
  EXPECT_NE(r.out.find("only in base"), std::string::npos);
  EXPECT_NE(r.out.find("old/gone/text-1MiB/glibc"), std::string::npos);
  EXPECT_NE(r.out.find("new/added/text-1MiB/glibc"), std::string::npos);
  // Cases on one side alone do not fail the comparison.
  base["results"][2]["status"] = "oom";
  EXPECT_EQ(run_membench({"compare", write(dir, "b2.json", base), write(dir, "h2.json", head)}).exit_code, 0);
}

// ---- report ----------------------------------------------------------------------

TEST(ReportCli, WritesOneSelfContainedFile) {
  std::string dir = test_dir("report_single");
  json rep = make_report();
  rep["results"][1]["status"] = "failed";
  rep["results"][1]["error"] = "killed by <SIGSEGV>";
  std::string in = write(dir, "in.json", rep), out = dir + "/out.html";
  auto r = run_membench({"report", in, "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string html = read_text(out);
  expect_self_contained_html(html);
  EXPECT_NE(html.find("hash/full_read/text-1MiB/glibc"), std::string::npos);
  EXPECT_NE(html.find("killed by &lt;SIGSEGV&gt;"), std::string::npos);
  // Nothing else left in the directory (no temporary file).
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) files += e.is_regular_file() ? 1 : 0;
  EXPECT_EQ(files, 2u);
}

TEST(ReportCli, SeveralReportsMakeATrendPage) {
  std::string dir = test_dir("report_trend");
  json a = make_report(), b = make_report(), c = make_report();
  c["results"][1]["allocations"]["count"] = 9;
  std::string out = dir + "/trend.html";
  auto r = run_membench({"report", write(dir, "a.json", a), write(dir, "b.json", b), write(dir, "c.json", c), "--out",
                         out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string html = read_text(out);
  expect_self_contained_html(html);
  EXPECT_NE(html.find("Trend over 3 runs"), std::string::npos);
  EXPECT_NE(html.find("1 regression in exact figures or status between consecutive runs"), std::string::npos);
}

TEST(ReportCli, MarkdownTablesForTheNewestReport) {
  std::string dir = test_dir("report_markdown");
  json rep = make_report();
  rep["context"]["workloads"] = {{"hash", {{"reference_strategy", "stream"}, {"description", "SHA-256"}}}};
  std::string in = write(dir, "in.json", rep), md = dir + "/results.md", html = dir + "/out.html";
  // Both outputs at once, filtered to the hash cases.
  auto r = run_membench({"report", in, "--markdown", md, "-o", html, "--filter", "^hash/"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string text = read_text(md);
  EXPECT_NE(text.find("### hash · text-1MiB"), std::string::npos) << text;
  EXPECT_NE(text.find("| `stream` |"), std::string::npos) << text;
  EXPECT_LT(text.find("| `stream` |"), text.find("| `full_read` |"));  // the reference leads
  EXPECT_NE(text.find("| 1.20× more |"), std::string::npos) << text;  // 6 allocations against stream's 5
  EXPECT_EQ(text.find("tokenize"), std::string::npos) << text;     // filtered out
  std::string page = read_text(html);
  EXPECT_NE(page.find("hash/full_read/text-1MiB/glibc"), std::string::npos);
  EXPECT_EQ(page.find("tokenize/arena/text-1MiB/glibc"), std::string::npos);
  // "-": the tables on stdout, nothing else there.
  auto to_stdout = run_membench({"report", in, "--markdown", "-"});
  ASSERT_EQ(to_stdout.exit_code, 0) << to_stdout.err;
  EXPECT_EQ(to_stdout.out.rfind("### ", 0), 0u) << to_stdout.out;
  EXPECT_NE(to_stdout.out.find("### tokenize · text-1MiB"), std::string::npos);
}

// run and report offer the same output formats, from one list: every format
// run --help names, report writes too.
TEST(ReportCli, EveryFormatOfRunIsAFormatOfReport) {
  std::string dir = test_dir("report_formats");
  auto run_help = run_membench({"run", "--help"});
  auto report_help = run_membench({"report", "--help"});
  ASSERT_EQ(run_help.exit_code, 0);
  for (const char* option : {"--html", "--markdown", "--gbench-json"}) {
    EXPECT_NE(run_help.out.find(option), std::string::npos) << option;
    EXPECT_NE(report_help.out.find(option), std::string::npos) << option;
  }
  std::string in = write(dir, "in.json", make_report());
  auto r = run_membench({"report", in, "--gbench-json", dir + "/gbench.json", "--html", dir + "/page.html"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json gbench = json::parse(read_text(dir + "/gbench.json"));
  std::set<std::string> runs;
  for (const json& b : gbench["benchmarks"]) runs.insert(b["run_name"].get<std::string>());
  EXPECT_EQ(runs.size(), 3u) << "one benchmark per case";
  expect_self_contained_html(read_text(dir + "/page.html"));
  EXPECT_NE(r.out.find("wrote " + dir + "/gbench.json"), std::string::npos) << r.out;
  // The page named twice is bad usage, and nothing is written.
  EXPECT_EQ(run_membench({"report", in, "-o", dir + "/a.html", "--html", dir + "/b.html"}).exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(dir + "/a.html"));
  // Two formats to stdout cannot both be read.
  EXPECT_EQ(run_membench({"report", in, "--markdown", "-", "--gbench-json", "-"}).exit_code, 2);
}

TEST(ReportCli, BadInputWritesNoOutput) {
  std::string dir = test_dir("report_bad");
  std::string good = write(dir, "good.json", make_report());
  std::string out = dir + "/out.html";
  expect_bad_input(run_membench({"report", good, write_text(dir, "bad.json", "[1, 2"), "-o", out}), "bad.json");
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_EQ(run_membench({"report", good}).exit_code, 2);  // no -o
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_EQ(run_membench({"report", "-o", out}).exit_code, 2);  // no input
  EXPECT_FALSE(std::filesystem::exists(out));
  std::string md = dir + "/out.md";
  expect_bad_input(run_membench({"report", good, "--markdown", md, "-o", out, "--filter", "("}), "--filter");
  expect_bad_input(run_membench({"report", good, "--markdown", md, "--filter", "^nothing/"}), "matches no case");
  expect_bad_input(run_membench({"report", good, "--markdown", out, "-o", out}), "same file");
  expect_bad_input(run_membench({"report", good, write_text(dir, "bad2.json", "{}"), "--markdown", md}), "bad2.json");
  EXPECT_FALSE(std::filesystem::exists(md));
  EXPECT_FALSE(std::filesystem::exists(out));
}

// ---- merge -------------------------------------------------------------------------

json shard(int index, int count, const std::vector<json>& cases, const std::string& commit = "abc123") {
  json r = make_report(commit);
  r["context"]["shard"] = std::to_string(index) + "/" + std::to_string(count);
  r["context"]["host"] = "runner-" + std::to_string(index);
  r["results"] = cases;
  return r;
}

TEST(MergeCli, JoinsTwoShards) {
  std::string dir = test_dir("merge_ok");
  json scaling = {{"workload", "hash"}, {"strategy", "stream"}, {"allocator", "glibc"},
                  {"metric", "memory.peak_rss_delta_bytes"}, {"points", {{1, 2}, {2, 2}, {4, 2}}},
                  {"slope", 0.0}, {"intercept", 2.0}, {"class", "O(1)"}};
  json s1 = shard(1, 2, {make_case("hash", "full_read", 6), make_case("hash", "stream", 5)});
  json s2 = shard(2, 2, {make_case("tokenize", "arena", 12)});
  s1["scaling"] = json::array({scaling});
  s2["scaling"] = json::array({scaling});
  // Each shard describes only what its own cases used.
  s1["context"]["datasets"] = {{"text-1MiB", {{"bytes", 1048576}, {"sha256", "aa"}}}};
  s2["context"]["datasets"] = {{"text-1MiB", {{"bytes", 1048576}, {"sha256", "aa"}}},
                               {"csv-1MiB", {{"bytes", 1048576}, {"sha256", "bb"}}}};
  s1["context"]["workloads"] = {{"hash", {{"reference_strategy", "stream"}}}};
  s2["context"]["workloads"] = {{"tokenize", {{"reference_strategy", "std_string"}}}};
  std::string a = write(dir, "s1.json", s1), b = write(dir, "s2.json", s2), out = dir + "/merged.json";
  auto r = run_membench({"merge", b, a, "-o", out});  // any order
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json merged = json::parse(read_text(out));
  ASSERT_EQ(merged["results"].size(), 3u);
  EXPECT_EQ(merged["results"][0]["id"], "hash/full_read/text-1MiB/glibc");  // shard order
  EXPECT_EQ(merged["results"][2]["id"], "tokenize/arena/text-1MiB/glibc");
  EXPECT_EQ(merged["scaling"].size(), 1u);  // identical fits kept once
  EXPECT_EQ(merged["context"]["merged_shards"], json({"1/2", "2/2"}));
  EXPECT_FALSE(merged["context"].contains("shard"));
  EXPECT_EQ(merged["context"]["shard_contexts"][1]["host"], "runner-2");
  EXPECT_EQ(merged["context"]["datasets"].size(), 2u);
  EXPECT_EQ(merged["context"]["datasets"]["csv-1MiB"]["sha256"], "bb");
  EXPECT_EQ(merged["context"]["workloads"]["hash"]["reference_strategy"], "stream");
  EXPECT_EQ(merged["context"]["workloads"]["tokenize"]["reference_strategy"], "std_string");
  EXPECT_FALSE(merged["context"]["shard_contexts"][1].contains("datasets"));  // the union holds them
  // The merged report is a valid report: it compares cleanly with the unsharded run.
  EXPECT_EQ(run_membench({"compare", write(dir, "whole.json", make_report()), out}).exit_code, 0);
}

// Two shards that describe one dataset differently (e.g. a user file that
// changed between machines): no union hides that; each shard keeps its own.
TEST(MergeCli, DatasetsDescribedDifferentlyStayPerShard) {
  std::string dir = test_dir("merge_conflict");
  json s1 = shard(1, 2, {make_case("hash", "full_read", 6)});
  json s2 = shard(2, 2, {make_case("hash", "stream", 5)});
  s1["context"]["datasets"] = {{"text-1MiB", {{"bytes", 1048576}, {"sha256", "aa"}}}};
  s2["context"]["datasets"] = {{"text-1MiB", {{"bytes", 1048576}, {"sha256", "cc"}}}};
  std::string out = dir + "/merged.json";
  auto r = run_membench({"merge", write(dir, "s1.json", s1), write(dir, "s2.json", s2), "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json merged = json::parse(read_text(out));
  EXPECT_EQ(merged["context"]["shard_contexts"][0]["datasets"]["text-1MiB"]["sha256"], "aa");
  EXPECT_EQ(merged["context"]["shard_contexts"][1]["datasets"]["text-1MiB"]["sha256"], "cc");
}

TEST(MergeCli, RefusesShardsOfDifferentRuns) {
  std::string dir = test_dir("merge_refuse");
  std::string out = dir + "/merged.json";
  std::string a = write(dir, "a.json", shard(1, 2, {make_case("hash", "full_read", 6)}));
  std::string other_commit = write(dir, "b.json", shard(2, 2, {make_case("hash", "stream", 5)}, "def456"));
  expect_bad_input(run_membench({"merge", a, other_commit, "-o", out}), "b.json", "git_commit");

  json suite = shard(2, 2, {make_case("hash", "stream", 5)});
  suite["context"]["suite"] = "full";
  expect_bad_input(run_membench({"merge", a, write(dir, "c.json", suite), "-o", out}), "c.json", "suite");

  json build = shard(2, 2, {make_case("hash", "stream", 5)});
  build["context"]["build_id"] = "x";
  expect_bad_input(run_membench({"merge", a, write(dir, "d.json", build), "-o", out}), "d.json", "build_id");

  std::string dup = write(dir, "e.json", shard(2, 2, {make_case("hash", "full_read", 6)}));
  expect_bad_input(run_membench({"merge", a, dup, "-o", out}), "e.json", "duplicate case id");

  std::string again = write(dir, "f.json", shard(1, 2, {make_case("hash", "stream", 5)}));
  expect_bad_input(run_membench({"merge", a, again, "-o", out}), "f.json", "shard 1/2");

  std::string three = write(dir, "g.json", shard(2, 3, {make_case("hash", "stream", 5)}));
  expect_bad_input(run_membench({"merge", a, three, "-o", out}), "g.json");
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(MergeCli, WarnsAboutMissingShards) {
  std::string dir = test_dir("merge_partial");
  std::string a = write(dir, "a.json", shard(1, 3, {make_case("hash", "full_read", 6)}));
  std::string b = write(dir, "b.json", shard(3, 3, {make_case("hash", "stream", 5)}));
  auto r = run_membench({"merge", a, b, "-o", dir + "/m.json"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.err.find("2/3"), std::string::npos) << r.err;
}

}  // namespace
