// `compare`, `report` and `merge` given bad report files: each refuses every
// one with exit 2, one line on stderr naming the file, and nothing written.
// docs/reliability.md tables them.
#include "reliability_support.h"

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

}  // namespace

TEST(ReliabilityReports, NonJsonReportIsExitTwo) {
  ReportFiles f("report_not_json");
  expect_refused_everywhere(f.write("text.json", "this is not JSON\n"), f.good, "not valid JSON");
  expect_refused_everywhere(f.write("binary.json", std::string("\x00\xff\xfe{\x01", 5)), f.good, "not valid JSON");
}

TEST(ReliabilityReports, TruncatedJsonReportIsExitTwo) {
  ReportFiles f("report_truncated");
  std::string text = read_text(f.good);
  expect_refused_everywhere(f.write("truncated.json", text.substr(0, text.size() / 2)), f.good, "not valid JSON");
}

TEST(ReliabilityReports, EmptyReportFileIsExitTwo) {
  ReportFiles f("report_empty");
  expect_refused_everywhere(f.write("empty.json", ""), f.good, "not valid JSON");
}

TEST(ReliabilityReports, MissingReportFileIsExitTwo) {
  ReportFiles f("report_missing");
  expect_refused_everywhere(f.dir + "/absent.json", f.good, "cannot open");
}

TEST(ReliabilityReports, OtherSchemaIsExitTwo) {
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
  ReportFiles f("report_other_version");
  json next = small_report({"d1"});
  next["schema"] = "membench.report/3";
  expect_refused_everywhere(f.write("v3.json", next), f.good, "'membench.report/3' is not supported");
}

// JSON has no NaN: a writer that had one writes null (nlohmann) or a bare NaN
// token (not JSON at all). Both are refused.
TEST(ReliabilityReports, NanFigureIsExitTwo) {
  ReportFiles f("report_nan");
  json j = small_report({"d1"});
  j["results"][0]["memory"]["peak_rss_bytes"] = nullptr;
  expect_refused_everywhere(f.write("null-u64.json", j), f.good, "peak_rss_bytes: is null");
  j = small_report({"d1"});
  j["results"][0]["time"]["median_real_ns"] = nullptr;
  expect_refused_everywhere(f.write("null-double.json", j), f.good, "median_real_ns: is not a number");
  std::string text = small_report({"d1"}).dump();
  std::string cv = "\"cv\":";
  cv += small_report({"d1"})["results"][0]["time"]["cv"].dump();
  auto at = text.find(cv);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, cv.size(), "\"cv\":NaN");
  expect_refused_everywhere(f.write("nan-token.json", text), f.good, "not valid JSON");
}

TEST(ReliabilityReports, NegativeFigureIsExitTwo) {
  ReportFiles f("report_negative");
  json j = small_report({"d1"});
  j["results"][0]["memory"]["peak_rss_bytes"] = -5;
  expect_refused_everywhere(f.write("negative-u64.json", j), f.good, "peak_rss_bytes: is not a non-negative integer");
  j = small_report({"d1"});
  j["results"][0]["time"]["real_ns"][1] = -1.5;
  expect_refused_everywhere(f.write("negative-double.json", j), f.good, "real_ns[1]: is negative");
}

TEST(ReliabilityReports, MissingFigureIsExitTwo) {
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
