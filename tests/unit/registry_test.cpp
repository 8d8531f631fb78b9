// The registry every self-registering kind shares (core/registry.h), and the
// registries of this build: workloads, strategies, datasets, commands.
#include "core/registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "cli/command.h"
#include "core/strategy.h"
#include "datasets/corpus.h"
#include "datasets/dataset.h"

namespace {

using membench::ByName;
using membench::Registry;

struct Item {
  const char* name;
  int rank;
};

struct ByRank {
  static bool before(const Item& a, const Item& b) { return a.rank < b.rank; }
};

template <class R>
std::string names(const R& registry) {
  std::string out;
  for (const Item& item : registry) out += std::string(out.empty() ? "" : " ") + item.name;
  return out;
}

// What lets entries of any file register before main(), in any order.
static_assert(std::is_trivially_destructible_v<Registry<Item>>);
[[maybe_unused]] constinit Registry<Item> constant_initialised;

TEST(Registry, KeepsRegistrationOrderWithoutAnOrder) {
  Registry<Item> registry;
  EXPECT_TRUE(registry.empty());
  Item b{"b", 0}, a{"a", 0}, c{"c", 0};
  Registry<Item>::Entry eb(registry, b), ea(registry, a), ec(registry, c);
  EXPECT_EQ(names(registry), "b a c");
  EXPECT_EQ(registry.size(), 3u);
  EXPECT_FALSE(registry.empty());
}

TEST(Registry, SortsByTheOrderWhateverTheRegistrationOrder) {
  Registry<Item, ByName> registry;
  Item b{"b", 0}, c{"c", 0}, a{"a", 0};
  Registry<Item, ByName>::Entry eb(registry, b), ec(registry, c), ea(registry, a);
  EXPECT_EQ(names(registry), "a b c");
}

TEST(Registry, EqualItemsKeepTheirRegistrationOrder) {
  Registry<Item, ByRank> registry;
  Item x{"x", 1}, y{"y", 0}, z{"z", 1}, w{"w", 0};
  Registry<Item, ByRank>::Entry ex(registry, x), ey(registry, y), ez(registry, z), ew(registry, w);
  EXPECT_EQ(names(registry), "y w x z");
}

TEST(Registry, FindsByNameOrPredicate) {
  Registry<Item, ByName> registry;
  Item a{"alpha", 1}, b{"beta", 2};
  Registry<Item, ByName>::Entry ea(registry, a), eb(registry, b);
  EXPECT_EQ(registry.find("beta"), &b);
  EXPECT_EQ(registry.find("gamma"), nullptr);
  EXPECT_EQ(registry.find_if([](const Item& i) { return i.rank == 1; }), &a);
  EXPECT_EQ(registry.find_if([](const Item& i) { return i.rank == 3; }), nullptr);
}

TEST(Registry, IteratesLikeAStandardRange) {
  Registry<Item> registry;
  Item a{"a", 1}, b{"b", 2};
  Registry<Item>::Entry ea(registry, a), eb(registry, b);
  auto it = registry.begin();
  EXPECT_EQ(it->name, std::string_view("a"));
  EXPECT_EQ((it++)->rank, 1);
  EXPECT_EQ((*it).rank, 2);
  EXPECT_EQ(++it, registry.end());
  EXPECT_EQ(std::distance(registry.begin(), registry.end()), 2);
}

// ---- the registries of this build ------------------------------------------------

TEST(Registry, EveryWorkloadIsCompleteAndItsReferenceStrategyExists) {
  int count = 0;
  for (const membench::Workload& w : membench::workload_registry()) {
    ++count;
    EXPECT_TRUE(membench::detail::complete(w)) << w.name;
    EXPECT_NE(membench::find_strategy(w.name, w.reference_strategy), nullptr)
        << w.name << ": reference strategy " << w.reference_strategy << " is not registered";
    EXPECT_EQ(membench::find_workload(w.name), &w);
  }
  EXPECT_GE(count, 6);
}

TEST(Registry, EveryStrategyBelongsToARegisteredWorkload) {
  for (const membench::Strategy& s : membench::strategy_registry())
    EXPECT_NE(membench::find_workload(s.workload), nullptr) << s.workload << "/" << s.name;
}

TEST(Registry, WorkloadsStrategiesDatasetsAndCommandsAreSorted) {
  std::vector<std::string> workloads, strategies, datasets, commands;
  for (const auto& w : membench::workload_registry()) workloads.push_back(w.name);
  for (const auto& s : membench::strategy_registry()) strategies.push_back(std::string(s.workload) + "/" + s.name);
  for (const auto& d : membench::datasets::dataset_registry()) {
    char size[32];
    std::snprintf(size, sizeof size, "%020llu", static_cast<unsigned long long>(d.size));
    datasets.push_back(std::string(d.kind) + "/" + size);
  }
  for (const auto& c : membench::cli::command_registry()) commands.push_back(c.name);
  EXPECT_TRUE(std::is_sorted(workloads.begin(), workloads.end()));
  EXPECT_TRUE(std::is_sorted(strategies.begin(), strategies.end()));
  EXPECT_TRUE(std::is_sorted(datasets.begin(), datasets.end()));
  EXPECT_TRUE(std::is_sorted(commands.begin(), commands.end()));
}

TEST(Registry, TheCaseChildIsAHiddenCommand) {
  const membench::cli::Command* c = membench::cli::find_command("__case");
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(c->hidden);
  EXPECT_NE(membench::cli::find_command("run"), nullptr);
  EXPECT_EQ(membench::cli::find_command("no-such-command"), nullptr);
}

TEST(Registry, EveryCorpusBelongsToARegisteredDataset) {
  int count = 0;
  for (const membench::datasets::CorpusDef& c : membench::datasets::corpus_registry()) {
    ++count;
    ASSERT_NE(c.dataset, nullptr);
    EXPECT_EQ(membench::datasets::find_dataset(c.dataset->name), c.dataset);
    EXPECT_EQ(membench::datasets::find_corpus(*c.dataset), &c);
  }
  EXPECT_GE(count, 1);
}

}  // namespace
