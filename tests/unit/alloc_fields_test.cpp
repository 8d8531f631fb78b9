// The one list of allocation totals (track/alloc_fields.h) drives the
// report's JSON, the case child's result message and the window line: every
// figure in the list is written and read back by each, under its own key.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>

#include "../common/report_builders.h"
#include "report/json.h"
#include "runner/protocol.h"
#include "track/alloc_counter.h"
#include "track/gbench_window.h"

namespace {

namespace mt = membench::track;
using membench::report::Allocations;
using nlohmann::json;

// A value no other figure has, so a field read into the wrong member shows.
std::uint64_t distinct_value(std::size_t index) { return 1000003 * (index + 1); }

template <class Totals> void fill_distinct(Totals& totals) {
  std::size_t index = 0;
  mt::for_each_allocation_total(
      [&](const mt::AllocationField&, std::uint64_t& value) { value = distinct_value(index++); }, totals);
}

template <class Totals> void expect_distinct(const Totals& totals, const std::string& what) {
  std::size_t index = 0;
  mt::for_each_allocation_total(
      [&](const mt::AllocationField& f, std::uint64_t value) {
        EXPECT_EQ(value, distinct_value(index++)) << what << ": " << f.member;
      },
      totals);
}

json report_with(const Allocations& a) {
  membench::report::CaseResult c = membench::test::make_case("hash", "stream");
  c.allocations = a;
  return membench::report::to_json(membench::test::make_report({c}));
}

}  // namespace

TEST(AllocationFields, NamesAreUniqueAndNoneIsTakenByAnotherKey) {
  ASSERT_GT(mt::kAllocationFieldCount, 0u);
  std::set<std::string> members, report_keys, line_keys, protocol_keys;
  for (const mt::AllocationField& f : mt::kAllocationFields) {
    EXPECT_TRUE(members.insert(f.member).second) << f.member;
    EXPECT_TRUE(report_keys.insert(f.report_key).second) << f.report_key;
    EXPECT_TRUE(line_keys.insert(f.line_key).second) << f.line_key;
    EXPECT_TRUE(protocol_keys.insert(f.protocol_key).second) << f.protocol_key;
    EXPECT_EQ(std::string(f.protocol_key), std::string("alloc_") + f.line_key);
  }
  // The keys beside the totals in their objects and lines.
  for (const char* other : {"iterations", "per_iteration", "sites"}) EXPECT_EQ(report_keys.count(other), 0u) << other;
  for (const char* other : {"seq", "threads", "iterations", "counted", "overflow", "hwm_reset", "rss_start", "hwm_end"})
    EXPECT_EQ(line_keys.count(other), 0u) << other;
  EXPECT_EQ(protocol_keys.count("alloc_overflow"), 0u);
}

TEST(AllocationFields, TheReportJsonWritesEachUnderItsKeyAndReadsItBack) {
  Allocations a;
  fill_distinct(a);
  json j = report_with(a);
  const json& written = j["results"][0]["allocations"];
  std::set<std::string> keys;
  for (const auto& [key, value] : written.items()) keys.insert(key);
  std::set<std::string> listed;
  mt::for_each_allocation_total(
      [&](const mt::AllocationField& f, std::uint64_t value) {
        listed.insert(f.report_key);
        EXPECT_EQ(written.value(f.report_key, json()), json(value)) << f.report_key;
      },
      a);
  EXPECT_EQ(keys, listed) << written.dump();  // nothing written beside the list (no iterations, no sites here)
  expect_distinct(membench::report::from_json(j).results.at(0).allocations.value(), "read back");
}

TEST(AllocationFields, OnlyAnOptionalFigureMayBeMissingFromAReport) {
  Allocations a;
  fill_distinct(a);
  const json j = report_with(a);
  std::size_t optional = 0;
  for (const mt::AllocationField& f : mt::kAllocationFields) {
    json without = j;
    without["results"][0]["allocations"].erase(f.report_key);
    if (f.when_read == mt::WhenRead::required) {
      EXPECT_THROW(membench::report::from_json(without), membench::report::ReportError) << f.report_key;
      continue;
    }
    ++optional;
    Allocations back = membench::report::from_json(without).results.at(0).allocations.value();
    std::size_t index = 0;
    mt::for_each_allocation_total(
        [&](const mt::AllocationField& g, std::uint64_t value) {
          const bool missing = std::string(g.report_key) == f.report_key;
          EXPECT_EQ(value, missing ? 0 : distinct_value(index)) << f.report_key << " missing: " << g.report_key;
          ++index;
        },
        back);
  }
  EXPECT_GT(optional, 0u);  // leaked_count: reports from before it lack it
}

TEST(AllocationFields, TheCaseChildsMessageCarriesEach) {
  mt::AllocationTotals counted;
  fill_distinct(counted);
  membench::runner::AllocationFigures sent;
  mt::copy_allocation_totals(counted, sent);
  std::set<std::string> keys;
  membench::runner::AllocationFigures::fields(sent, [&](const char* key, const auto&) { keys.insert(key); });
  for (const mt::AllocationField& f : mt::kAllocationFields)
    EXPECT_EQ(keys.count(f.protocol_key), 1u) << f.protocol_key;
  EXPECT_EQ(keys.size(), mt::kAllocationFieldCount + 1);  // and alloc_overflow
  Allocations model;
  mt::copy_allocation_totals(sent, model);
  expect_distinct(model, "child to model");
}

TEST(AllocationFields, AWindowLineCarriesEachAndLacksNone) {
  std::string head = "window seq 1 threads 1 iterations 10 counted 1 overflow 0 hwm_reset 1 rss_start 1 hwm_end 2";
  std::string totals;
  for (std::size_t i = 0; i < mt::kAllocationFieldCount; ++i)
    totals += std::string(" ") + mt::kAllocationFields[i].line_key + " " + std::to_string(distinct_value(i));
  mt::gbench::WindowFile file;
  std::string error;
  ASSERT_TRUE(mt::gbench::parse_window_file(head + totals + "\n", file, error)) << error;
  ASSERT_EQ(file.windows.size(), 1u);
  expect_distinct(file.windows[0], "window line");
  for (const mt::AllocationField& f : mt::kAllocationFields) {
    std::string line = head;
    for (std::size_t i = 0; i < mt::kAllocationFieldCount; ++i)
      if (mt::kAllocationFields[i].line_key != f.line_key)
        line += std::string(" ") + mt::kAllocationFields[i].line_key + " 1";
    EXPECT_FALSE(mt::gbench::parse_window_file(line + "\n", file, error)) << f.line_key;
    EXPECT_NE(error.find(std::string("without '") + f.line_key + "'"), std::string::npos) << error;
  }
}
