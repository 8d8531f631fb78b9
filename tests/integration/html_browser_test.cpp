// Renders report pages in a headless Chromium, when one is installed, and
// checks that the inline script ran without errors and that the page loaded
// nothing from elsewhere.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "process_helpers.h"
#include "../common/report_json_builders.h"
#include "../common/text_search.h"

namespace {

using membench::test::case_json;
using membench::test::report_json;
using membench::test::with_allocations;
using membench::test::with_memory;
using membench::test::with_time;
using membench::test::with_timeline;
using nlohmann::json;

const char* const kChromium = "/usr/bin/chromium";

json sample_case(const std::string& strategy, const std::string& dataset, std::uint64_t allocations,
                 const std::string& status = "ok", const std::string& error = "") {
  json c = case_json("hash", strategy, dataset);
  c["params"] = {{"buffer_bytes", 8192}};
  c["status"] = status;
  c["error"] = error;
  c["input_bytes"] = 4194304;
  c["output_digest"] = std::string(64, 'd');
  std::vector<double> real;
  for (double f : {1.0, 0.97, 1.03, 0.99, 1.02}) real.push_back(2.5e6 * f);
  with_time(c, real, 8);
  with_memory(c, 9000000, 4500000);
  c["memory"].update({{"peak_anon_bytes", 6500000}, {"baseline_anon_bytes", 2000000}, {"peak_file_bytes", 7000000},
                      {"baseline_file_bytes", 7000000}, {"minor_faults", 1100}});
  with_allocations(c, allocations, allocations * 4096, 4194400, 2);
  std::vector<std::uint64_t> rss, anon, file;
  for (std::uint64_t i = 0; i < 40; ++i) {
    rss.push_back(9000000 + (i < 30 ? i : 30) * 150000);
    anon.push_back(2000000 + (i < 30 ? i : 30) * 150000);
    file.push_back(7000000);
  }
  with_timeline(c, rss, anon, file);
  c["allocator_stats"] = {{"in_use", 4194400}, {"system", 4300000}};
  c["extra"] = {{"chunks", 512}};
  return c;
}

json sample_report() {
  json results = json::array({sample_case("full_read", "text-4MiB", 6), sample_case("stream", "text-4MiB", 5),
                              sample_case("mmap", "text-4MiB", 5, "failed", "child killed by signal 11"),
                              sample_case("full_read", "text-1MiB", 6), sample_case("stream", "text-1MiB", 5)});
  json scaling = json::array({{{"workload", "hash"}, {"strategy", "full_read"}, {"allocator", "glibc"},
                               {"metric", "allocations.peak_live_bytes"},
                               {"points", {{1048576, 1048600}, {4194304, 4194400}, {16777216, 16777300}}},
                               {"slope", 1.0}, {"intercept", 50.0}, {"r2", 1.0}, {"class", "O(n)"}}});
  return report_json(results,
                     {{"suite", "browser"}, {"created_utc", "2025-01-01T00:00:00Z"}, {"host", "test"},
                      {"git_commit", "0123456789ab"}, {"membench_version", "0.1.0"},
                      {"command_line", "membench run --quick"}},
                     scaling);
}

// An allocator matrix run with heaptrack: each strategy under three
// allocators, heaptrack's figures beside membench's (one disagreeing), and
// recordings and folded stacks written beside the report.
json matrix_report(const std::string& dir) {
  json results = json::array();
  for (const std::string strategy : {"full_read", "stream"})
    for (const std::string allocator : {"glibc", "jemalloc", "tcmalloc"}) {
      json c = sample_case(strategy, "text-4MiB", strategy == "stream" ? 5 : 6);
      std::string id = "hash/" + strategy + "/text-4MiB/" + allocator;
      c["id"] = id;
      c["allocator"] = allocator;
      c.erase("timeline");
      if (allocator == "jemalloc")
        c["allocator_stats"] = {
            {"version", "5.3.0"},
            {"measured", "in the memory run, right before and right after the strategy"},
            {"before", {{"allocated", 231448}, {"active", 364544}, {"resident", 3289088}, {"mapped", 6926336}}},
            {"after", {{"allocated", 231448}, {"active", 364544}, {"resident", 7483392}, {"mapped", 11120640}}},
            {"thread_allocated_delta", 4300000}};
      else if (allocator == "glibc")
        c["allocator_stats"] = {{"version", "2.36"},
                                {"before", {{"in_use", 214096}, {"system", 270336}}},
                                {"after", {{"in_use", 214096}, {"system", 4464640}}}};
      else
        c["allocator_stats"] = {{"version", "gperftools 2.10"}};
      std::string base = dir + "/heaptrack." + strategy + "." + allocator;
      std::ofstream(base + ".zst", std::ios::binary) << "recording";
      std::ofstream stacks(base + ".stacks.txt", std::ios::binary);
      stacks << "_start;__libc_start_main;main;membench::case_main();setup_dataset();malloc; 4000\n";
      for (int i = 0; i < 30; ++i)  // start-up noise, each far under 0.5 % of the total
        stacks << "_start;_dl_init;call_init;0x7f00000" << i << ";malloc; 1\n";
      stacks << "_start;__libc_start_main;main;membench::case_main();run_" << strategy
             << "(membench::Input const&);std::vector<char, std::allocator<char> >::_M_default_append(unsigned long);"
                "operator new(unsigned long);malloc; " << (strategy == "stream" ? 5 : 6) << "000\n";
      std::uint64_t calls = c["allocations"]["count"].get<std::uint64_t>() + (strategy == "stream" && allocator == "tcmalloc" ? 2 : 0);
      c["heaptrack"] = {{"recording", base + ".zst"}, {"flamegraph", base + ".stacks.txt"}, {"calls", calls},
                        {"temporary", 2}, {"peak_heap_bytes", 4194400}, {"leaked_bytes", 0},
                        {"agrees", calls == c["allocations"]["count"].get<std::uint64_t>()},
                        {"raw", {{"case", {{"calls", calls + 4909}}}, {"calibration", {{"calls", 4909}}}}}};
      if (!c["heaptrack"]["agrees"].get<bool>())
        c["heaptrack"]["disagreement"] = "membench counted 5 allocations (2 temporary), heaptrack 7 (2)";
      results.push_back(c);
    }
  json r = sample_report();
  r["results"] = results;
  r["scaling"] = json::array();
  return r;
}

struct Browser {
  std::string dir;  // a fresh profile per run: no state carried between tests
  int runs = 0;

  std::string flags() {
    std::string profile = dir + "/profile-" + std::to_string(runs++);
    std::filesystem::remove_all(profile);
    std::filesystem::create_directories(profile);
    return std::string("timeout 120 ") + kChromium +
           " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
           " --disable-background-networking --disable-component-update --disable-sync"
           " --user-data-dir=" + shell_quote(profile);
  }

  CommandResult dump_dom(const std::string& page) {
    return run_shell(flags() + " --dump-dom " + shell_quote("file://" + page));
  }

  CommandResult screenshot(const std::string& page, const std::string& png, int height = 2400) {
    return run_shell(flags() + " --hide-scrollbars --window-size=1400," + std::to_string(height) +
                     " --screenshot=" + shell_quote(png) + " " + shell_quote("file://" + page));
  }
};

std::string write_json(const std::string& path, const json& j) {
  std::ofstream(path, std::ios::binary) << j.dump(1);
  return path;
}

class HtmlBrowser : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kChromium))
      GTEST_SKIP() << kChromium << " not found: install the chromium package (scripts/install-deps.sh) "
                   << "to check that HTML reports render in a browser";
    // One directory per test: ctest runs the tests in parallel processes.
    dir_ = test_dir(std::string("html_browser_") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    browser_.dir = dir_;
  }

  std::string dir_;
  Browser browser_;
};

void expect_script_ran_cleanly(const std::string& dom) {
  EXPECT_NE(dom.find("id=\"membench-ready\""), std::string::npos) << "the page's script did not finish";
  std::size_t error = dom.find("id=\"membench-script-error\"");
  EXPECT_EQ(error, std::string::npos) << dom.substr(error == std::string::npos ? 0 : error, 300);
}

TEST_F(HtmlBrowser, ReportRendersWithItsScript) {
  std::string in = write_json(dir_ + "/report.json", sample_report());
  std::string page = dir_ + "/report.html";
  auto r = run_membench({"report", in, "-o", page});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  auto dom = browser_.dump_dom(page);
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  expect_script_ran_cleanly(dom.out);
  // The script made every table sortable (header cells gain aria-sort) and
  // found the charts and the embedded report.
  EXPECT_EQ(dom.out.find("data-sortable-tables=\"0\""), std::string::npos);
  EXPECT_NE(dom.out.find("data-cases=\"5\""), std::string::npos);
  EXPECT_NE(dom.out.find("data-timelines=\"5\""), std::string::npos);
  EXPECT_GE(count_occurrences(dom.out, "aria-sort=\"none\""), 18u);
  EXPECT_GE(count_occurrences(dom.out, "<svg class=\"chart"), 9u);
  EXPECT_NE(dom.out.find("<rect"), std::string::npos);
  EXPECT_NE(dom.out.find("<polyline"), std::string::npos);
  EXPECT_NE(dom.out.find("child killed by signal 11"), std::string::npos);

  std::string png = std::string(MEMBENCH_TEST_WORK_DIR) + "/report.png";
  std::filesystem::remove(png);
  auto shot = browser_.screenshot(page, png);
  EXPECT_EQ(shot.exit_code, 0) << shot.err;
  ASSERT_TRUE(std::filesystem::exists(png));
  EXPECT_GT(std::filesystem::file_size(png), 20000u);
}

TEST_F(HtmlBrowser, TrendAndComparePagesRender) {
  json older = sample_report(), newer = sample_report();
  newer["context"]["created_utc"] = "2025-01-02T00:00:00Z";
  newer["results"][1]["allocations"]["count"] = 7;
  std::string a = write_json(dir_ + "/a.json", older), b = write_json(dir_ + "/b.json", newer);
  std::string trend = dir_ + "/trend.html", compare = dir_ + "/compare.html";
  ASSERT_EQ(run_membench({"report", a, b, "-o", trend}).exit_code, 0);
  ASSERT_EQ(run_membench({"compare", a, b, "--html", compare}).exit_code, 1);

  auto t = browser_.dump_dom(trend);
  expect_script_ran_cleanly(t.out);
  EXPECT_NE(t.out.find("Trend over 2 runs"), std::string::npos);
  EXPECT_NE(t.out.find("class=\"regressed\""), std::string::npos);

  auto c = browser_.dump_dom(compare);
  expect_script_ran_cleanly(c.out);
  EXPECT_NE(c.out.find("1 regression in 1 of"), std::string::npos);
  EXPECT_NE(c.out.find("head RSS"), std::string::npos);
  auto shot = browser_.screenshot(compare, std::string(MEMBENCH_TEST_WORK_DIR) + "/compare.png");
  EXPECT_EQ(shot.exit_code, 0) << shot.err;
}

TEST_F(HtmlBrowser, AllocatorAndHeaptrackSectionsRender) {
  std::string in = write_json(dir_ + "/matrix.json", matrix_report(dir_));
  std::string page = dir_ + "/matrix.html";
  auto r = run_membench({"report", in, "-o", page});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  auto dom = browser_.dump_dom(page);
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  expect_script_ran_cleanly(dom.out);
  EXPECT_NE(dom.out.find("<h3>Allocators</h3>"), std::string::npos);
  EXPECT_NE(dom.out.find("class=\"chart clusters\""), std::string::npos);
  EXPECT_NE(dom.out.find("<table class=\"heaptrack\">"), std::string::npos);
  EXPECT_NE(dom.out.find(">disagrees<"), std::string::npos);
  // One flame graph per case, each found by the script; recordings linked relative to the page.
  EXPECT_NE(dom.out.find("data-flames=\"6\""), std::string::npos);
  EXPECT_NE(dom.out.find("href=\"heaptrack.stream.tcmalloc.zst\""), std::string::npos);
  EXPECT_EQ(dom.out.find("0x7f000001"), std::string::npos) << "frames under 0.5 % should be left out";

  // A click on a frame zooms: frames outside it are hidden, and nothing fails.
  std::string html = read_text(page);
  std::size_t end = html.rfind("</body>");
  ASSERT_NE(end, std::string::npos);
  html.insert(end,
              "<script>Array.prototype.filter.call(document.querySelectorAll('svg.flame')[0].querySelectorAll('g.f'),"
              " function (g) { return g.querySelector('title').textContent.indexOf('setup_dataset') === 0; })[0]"
              ".dispatchEvent(new MouseEvent('click', {bubbles: true}));"
              "document.body.setAttribute('data-zoomed', '1');</script>");
  std::string zoom_page = dir_ + "/zoom.html";
  std::ofstream(zoom_page, std::ios::binary) << html;
  auto z = browser_.dump_dom(zoom_page);
  expect_script_ran_cleanly(z.out);
  EXPECT_NE(z.out.find("data-zoomed=\"1\""), std::string::npos);
  EXPECT_NE(z.out.find("style=\"display: none;\""), std::string::npos);

  std::string png = std::string(MEMBENCH_TEST_WORK_DIR) + "/report-allocators.png";
  std::filesystem::remove(png);
  auto shot = browser_.screenshot(page, png, 3200);
  EXPECT_EQ(shot.exit_code, 0) << shot.err;
  ASSERT_TRUE(std::filesystem::exists(png));
  EXPECT_GT(std::filesystem::file_size(png), 20000u);
}

// The checks above are only worth something if a failing script, or an
// attempt to load from the network, does show up.
TEST_F(HtmlBrowser, ErrorsAndNetworkLoadsAreDetected) {
  std::string in = write_json(dir_ + "/report.json", sample_report());
  std::string page = dir_ + "/report.html";
  ASSERT_EQ(run_membench({"report", in, "-o", page}).exit_code, 0);
  std::string html = read_text(page);
  std::size_t end = html.rfind("</body>");
  ASSERT_NE(end, std::string::npos);

  std::string broken = html;
  broken.insert(end, "<script>notDefinedAnywhere();</script>");
  std::string broken_page = dir_ + "/broken.html";
  std::ofstream(broken_page, std::ios::binary) << broken;
  auto b = browser_.dump_dom(broken_page);
  EXPECT_NE(b.out.find("id=\"membench-script-error\""), std::string::npos);

  std::string loading = html;
  loading.insert(end, "<img src=\"http://127.0.0.1:9/pixel.png\" alt=\"\">");
  std::string loading_page = dir_ + "/loading.html";
  std::ofstream(loading_page, std::ios::binary) << loading;
  auto l = browser_.dump_dom(loading_page);
  EXPECT_NE(l.out.find("id=\"membench-script-error\""), std::string::npos);
  EXPECT_NE(l.out.find("blocked loading"), std::string::npos);
}

}  // namespace
