// The metric catalogue (report/metrics.h): one entry per metric, each read
// from where the report JSON puts it, and compare's list a view of it.
#include "report/metrics.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <set>
#include <string>

#include "analyze/compare.h"
#include "report/json.h"

namespace {

using membench::report::CaseResult;
using membench::report::Metric;
using membench::report::MetricId;
using membench::report::Report;
namespace rp = membench::report;

// Every figure a different value, so a metric reading the wrong field shows.
CaseResult distinct_case() {
  CaseResult c;
  c.workload = "w";
  c.strategy = "s";
  c.dataset = "d";
  c.allocator = "glibc";
  c.id = rp::case_id(c.workload, c.strategy, c.dataset, c.allocator);
  c.input_bytes = 4024;
  c.input_items = 4;
  c.time.emplace();
  c.time->repetitions = 3;
  c.time->real_ns = {1, 2, 3};
  c.time->cpu_ns = {1, 2, 3};
  c.time->median_real_ns = 1001;
  c.time->cv = 0.0125;
  c.time->iterations = 7;
  c.throughput.emplace();
  c.throughput->bytes_per_second = 1002;
  c.throughput->items_per_second = 1003;
  c.memory.emplace();
  c.memory->baseline_rss_bytes = 1004;
  c.memory->peak_rss_bytes = 1005;
  c.memory->peak_rss_delta_bytes = 1006;
  c.memory->peak_anon_bytes = 1107;
  c.memory->baseline_anon_bytes = 1007;
  c.memory->peak_file_bytes = 1208;
  c.memory->baseline_file_bytes = 1008;
  c.allocations.emplace();
  c.allocations->count = 1009;
  c.allocations->bytes = 1010;
  c.allocations->peak_live_bytes = 1011;
  c.allocations->temporary = 1012;
  c.allocations->leaked_bytes = 1013;
  c.cachegrind = rp::CpuCost{1014, 1015, 1016, 1017};
  return c;
}

TEST(MetricCatalogue, NamesAndIdsAreUniqueAndFound) {
  std::set<std::string> names;
  std::set<MetricId> ids;
  for (const Metric& m : rp::metrics()) {
    EXPECT_TRUE(names.insert(m.name).second) << m.name;
    EXPECT_TRUE(ids.insert(m.id).second) << m.name;
    EXPECT_EQ(&rp::metric(m.id), &m);
    EXPECT_EQ(rp::find_metric(m.name), &m);
    EXPECT_STRNE(m.label, "");
    EXPECT_GT(std::string(m.description).size(), 20u) << m.name << ": the legend needs a description";
  }
  EXPECT_EQ(rp::find_metric("allocations.nothing"), nullptr);
}

TEST(MetricCatalogue, EachMetricReadsWhereTheReportJsonHasIt) {
  Report report;
  report.results.push_back(distinct_case());
  // The same case as a Google Benchmark window: the per-iteration figures in
  // place of the totals (docs/gbench.md).
  report.results.push_back(distinct_case());
  report.results[1].allocations->iterations = 7;
  const nlohmann::json both = rp::to_json(report)["results"];
  int found = 0;
  for (const Metric& m : rp::metrics()) {
    std::size_t which = m.value(report.results[0]).has_value() ? 0 : 1;
    std::optional<double> v = m.value(report.results[which]);
    ASSERT_TRUE(v.has_value()) << m.name;
    const nlohmann::json& j = both[which];
    std::string path = std::string("/").append(m.name);
    std::replace(path.begin(), path.end(), '.', '/');
    nlohmann::json::json_pointer p(path);
    if (!j.contains(p)) continue;  // derived: peak minus baseline
    ++found;
    EXPECT_DOUBLE_EQ(j[p].get<double>(), *v) << m.name;
  }
  EXPECT_GE(found, 10);
  EXPECT_DOUBLE_EQ(*rp::metric(MetricId::peak_anon_delta).value(report.results[0]), 100);
  EXPECT_DOUBLE_EQ(*rp::metric(MetricId::peak_file_delta).value(report.results[0]), 200);
  // Per item and per input byte.
  EXPECT_DOUBLE_EQ(*rp::metric(MetricId::allocations_per_item).value(report.results[0]), 1009.0 / 4);
  EXPECT_DOUBLE_EQ(*rp::metric(MetricId::allocated_bytes_per_item).value(report.results[0]), 1010.0 / 4);
  EXPECT_DOUBLE_EQ(*rp::metric(MetricId::peak_rss_delta_per_input_byte).value(report.results[0]), 1006.0 / 4024);
}

TEST(MetricCatalogue, PerItemFiguresNeedItemsAndPerByteFiguresNeedInput) {
  CaseResult c = distinct_case();
  c.input_items = 0;  // a workload that counts no items (hash)
  c.input_bytes = 0;
  for (MetricId id : {MetricId::allocations_per_item, MetricId::allocated_bytes_per_item,
                      MetricId::peak_rss_delta_per_input_byte}) {
    EXPECT_FALSE(rp::metric(id).value(c).has_value()) << rp::metric(id).name;
    EXPECT_TRUE(rp::is_derived(rp::metric(id)));
  }
}

TEST(MetricCatalogue, AMissingSectionIsNoValue) {
  CaseResult empty;
  for (const Metric& m : rp::metrics()) EXPECT_FALSE(m.value(empty).has_value()) << m.name;
}

TEST(MetricCatalogue, CompareJudgesTheComparedMetricsExactOnesFirst) {
  const auto& compared = membench::analyze::compared_metrics();
  ASSERT_EQ(compared.size(), rp::compared_metrics().size());
  bool noisy = false;
  for (const auto& info : compared) {
    const Metric* m = rp::find_metric(info.name);
    ASSERT_NE(m, nullptr) << info.name;
    EXPECT_TRUE(m->compared);
    EXPECT_EQ(info.kind, m->kind);
    EXPECT_EQ(info.unit, m->unit);
    EXPECT_EQ(info.higher_is_better, m->higher_is_better());
    if (m->kind != rp::MetricKind::exact) noisy = true;
    else EXPECT_FALSE(noisy) << info.name << " comes after a noisy metric";
    EXPECT_EQ(membench::analyze::find_metric(info.name), &info);
    EXPECT_EQ(membench::analyze::metric_value(distinct_case(), info.name), m->value(distinct_case()));
  }
}

TEST(MetricCatalogue, EveryRendererHasColumns) {
  for (rp::Show where : {rp::kTable, rp::kTerminal, rp::kMarkdown, rp::kVersus, rp::kHeadline, rp::kOverview,
                         rp::kFitted})
    EXPECT_FALSE(rp::metrics_shown(where).empty()) << where;
  for (const Metric* m : rp::metrics_shown(rp::kOverview)) EXPECT_TRUE(m->compared) << m->name;
}

}  // namespace
