#include "render/markdown.h"

#include <gtest/gtest.h>

#include <string>

#include "../common/report_builders.h"

namespace {

using membench::report::CaseResult;
using membench::report::Report;
using membench::report::Status;

CaseResult make_case(const std::string& workload, const std::string& strategy, const std::string& dataset,
                     std::uint64_t input_bytes, std::uint64_t allocations, std::uint64_t peak_delta) {
  CaseResult c = membench::test::make_case(workload, strategy, dataset);
  c.input_bytes = input_bytes;
  c.throughput.emplace();
  c.throughput->bytes_per_second = 1.5e9;
  membench::test::with_memory(c, 0, peak_delta);
  membench::test::with_allocations(c, allocations, allocations * 64, allocations * 32, 2);
  return c;
}

Report make_report() {
  Report r;
  r.context["workloads"] = {{"tokenize", {{"reference_strategy", "std_string"}, {"description", "word counts"}}},
                            {"fields", {{"reference_strategy", "vector"}, {"description", "rows | fields"}}}};
  r.context["datasets"] = {{"text-16MiB", {{"bytes", 16 << 20}}}, {"text-1MiB", {{"bytes", 1 << 20}}}};
  r.results.push_back(make_case("tokenize", "arena", "text-16MiB", 16 << 20, 10, 6 << 20));
  r.results.push_back(make_case("tokenize", "std_string", "text-16MiB", 16 << 20, 83005, 8 << 20));
  r.results.push_back(make_case("tokenize", "std_string", "text-1MiB", 1 << 20, 5000, 1 << 20));
  CaseResult more = make_case("tokenize", "std_string_naive", "text-16MiB", 16 << 20, 166010, 8 << 20);
  more.extra = {{"key_sizeof", 32}, {"child_vmhwm_bytes", 123}};
  r.results.push_back(more);
  CaseResult failed = make_case("tokenize", "string_view", "text-16MiB", 16 << 20, 0, 0);
  failed.status = Status::timeout;
  failed.error = "no result after 600 s | killed";
  r.results.push_back(failed);
  r.results.push_back(make_case("fields", "small_vector", "csv-1MiB", 1 << 20, 0, 1 << 20));
  return r;
}

std::string section(const std::string& text, const std::string& heading) {
  auto start = text.find(heading);
  if (start == std::string::npos) return "";
  auto end = text.find("\n### ", start + 1);
  return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

TEST(MarkdownResults, OneTablePerWorkloadAndDatasetSmallestFirst) {
  std::string md = membench::render::results_markdown(make_report());
  auto fields = md.find("### fields · csv-1MiB");
  auto small = md.find("### tokenize · text-1MiB (1.00 MiB) · glibc");
  auto large = md.find("### tokenize · text-16MiB (16.0 MiB) · glibc");
  ASSERT_NE(fields, std::string::npos) << md;
  ASSERT_NE(small, std::string::npos) << md;
  ASSERT_NE(large, std::string::npos) << md;
  EXPECT_LT(fields, small);
  EXPECT_LT(small, large);
}

TEST(MarkdownResults, ReferenceLeadsAndOthersAreComparedWithIt) {
  std::string t = section(membench::render::results_markdown(make_report()), "### tokenize · text-16MiB");
  ASSERT_FALSE(t.empty());
  EXPECT_NE(t.find("Reference strategy: `std_string`."), std::string::npos) << t;
  auto reference_row = t.find("| `std_string` | 8.00 MiB | 50.0% | 83,005 |");
  ASSERT_NE(reference_row, std::string::npos) << t;
  EXPECT_LT(reference_row, t.find("| `arena` |"));  // the reference leads its group
  EXPECT_NE(t.find("| (reference) | (reference) |"), std::string::npos) << t;
  // 83,005 / 10 allocations: 8300× fewer; 2 MiB less peak RSS.
  EXPECT_NE(t.find("| 8300× fewer | −2.00 MiB |"), std::string::npos) << t;
  EXPECT_NE(t.find("| 2.00× more | same |"), std::string::npos) << t;
  // The strategy's own notes, without the runner's bookkeeping.
  EXPECT_NE(t.find("key_sizeof 32"), std::string::npos) << t;
  EXPECT_EQ(t.find("child_vmhwm_bytes"), std::string::npos) << t;
}

TEST(MarkdownResults, FailedCaseShowsItsStatusAndEscapedError) {
  std::string t = section(membench::render::results_markdown(make_report()), "### tokenize · text-16MiB");
  EXPECT_NE(t.find("| `string_view` | **timeout**: no result after 600 s \\| killed |"), std::string::npos) << t;
  // Every row has as many cells as the header.
  std::size_t header_pipes = 0, line_start = t.find("| strategy");
  std::string header = t.substr(line_start, t.find('\n', line_start) - line_start);
  for (char c : header) header_pipes += c == '|';
  std::size_t at = t.find("| `string_view`");
  std::string row = t.substr(at, t.find('\n', at) - at);
  std::size_t row_pipes = 0;
  for (std::size_t i = 0; i < row.size(); ++i) row_pipes += row[i] == '|' && (i == 0 || row[i - 1] != '\\');
  EXPECT_EQ(row_pipes, header_pipes) << row;
}

TEST(MarkdownResults, WithoutAReferenceThereAreNoComparisonColumns) {
  std::string t = section(membench::render::results_markdown(make_report()), "### fields · csv-1MiB");
  // fields' reference (vector) did not run on csv-1MiB here.
  EXPECT_EQ(t.find("vs reference"), std::string::npos) << t;
  EXPECT_NE(t.find("| `small_vector` | 1.00 MiB | 100.0% | 0 |"), std::string::npos) << t;
  EXPECT_NE(t.find("rows \\| fields."), std::string::npos) << t;
}

TEST(MarkdownResults, ReportWithoutCounterShowsDashes) {
  Report r = make_report();
  r.context["allocation_counter"] = false;
  std::string t = section(membench::render::results_markdown(r), "### tokenize · text-1MiB");
  EXPECT_NE(t.find("| `std_string` | 1.00 MiB | 100.0% | - | - | - | - | 1.50 GB/s |"), std::string::npos) << t;
}

TEST(MarkdownResults, EmptyReport) { EXPECT_EQ(membench::render::results_markdown(Report{}), "No results.\n"); }

}  // namespace
