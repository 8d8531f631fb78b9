// Planning a run: what the options select, in what order, and what they refuse.
#include "runner/plan.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "util/args.h"

namespace {

using membench::UsageError;
using membench::runner::PlannedCase;
using membench::runner::plan_cases;
using membench::runner::RunOptions;

std::vector<std::string> ids(const std::vector<PlannedCase>& cases) {
  std::vector<std::string> out;
  for (const PlannedCase& c : cases) out.push_back(c.id());
  return out;
}

TEST(PlanCases, FilterDatasetsAndAllocatorsSelectInAStableOrder) {
  RunOptions o;
  o.filter = "^hash/(stream|full_read)/";
  o.datasets = {"text-4MiB", "text-1MiB"};
  o.allocators = {"glibc"};
  EXPECT_EQ(ids(plan_cases(o)), (std::vector<std::string>{
                                    "hash/full_read/text-1MiB/glibc", "hash/full_read/text-4MiB/glibc",
                                    "hash/stream/text-1MiB/glibc", "hash/stream/text-4MiB/glibc"}));
}

TEST(PlanCases, ShardsSplitTheCasesWithoutOverlap) {
  RunOptions o;
  o.filter = "^hash/";
  o.quick = true;
  std::vector<std::string> all = ids(plan_cases(o)), joined;
  for (int i = 1; i <= 3; ++i) {
    o.shard_index = i;
    o.shard_count = 3;
    for (const std::string& id : ids(plan_cases(o))) joined.push_back(id);
  }
  std::sort(all.begin(), all.end());
  std::sort(joined.begin(), joined.end());
  EXPECT_EQ(all, joined);
}

TEST(PlanCases, HiddenWorkloadsRunOnlyWhenTheFilterNamesThem) {
  RunOptions o;
  o.quick = true;
  for (const std::string& id : ids(plan_cases(o))) EXPECT_NE(id.rfind("selftest/", 0), 0u) << id;
  o.filter = "^selftest/leak/";
  EXPECT_FALSE(plan_cases(o).empty());
}

bool refused(const RunOptions& o) {
  try {
    plan_cases(o);
  } catch (const UsageError&) {
    return true;
  }
  return false;
}

TEST(PlanCases, BadOptionsAreUsageErrors) {
  RunOptions bad_regex, matches_nothing, no_dataset, no_allocator;
  // Moved in, not assigned from a literal: g++ 12 warns falsely (-Wrestrict) on that.
  bad_regex.filter = std::string(1, '(');
  matches_nothing.filter = std::string("^nothing-matches$");
  no_dataset.datasets = {"no-such-dataset"};
  no_allocator.allocators = {"hoard"};
  for (const RunOptions* o : {&bad_regex, &matches_nothing, &no_dataset, &no_allocator}) EXPECT_TRUE(refused(*o));
}

}  // namespace
