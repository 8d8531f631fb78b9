// docs/reliability.md tables every fault and bad input with the test that
// proves its behaviour; this keeps the two in sync: every Reliability* test is
// in the table, and every test the table names exists.
#include <regex>

#include "reliability_support.h"

TEST(ReliabilityDocs, TableListsExactlyTheReliabilityTests) {
  std::string doc_path = std::string(MEMBENCH_TEST_SOURCE_DIR) + "/../docs/reliability.md";
  std::string doc = read_text(doc_path);
  ASSERT_FALSE(doc.empty()) << doc_path;
  // Test names in the table are written `Suite.Name`.
  std::set<std::string> listed;
  const std::regex name("`([A-Z][A-Za-z]*\\.[A-Z][A-Za-z0-9]*)`");
  for (auto it = std::sregex_iterator(doc.begin(), doc.end(), name); it != std::sregex_iterator(); ++it)
    listed.insert((*it)[1]);
  std::set<std::string> existing, reliability;
  const auto* unit = ::testing::UnitTest::GetInstance();
  for (int i = 0; i < unit->total_test_suite_count(); ++i) {
    const auto* suite = unit->GetTestSuite(i);
    for (int k = 0; k < suite->total_test_count(); ++k) {
      std::string full = std::string(suite->name()) + "." + suite->GetTestInfo(k)->name();
      existing.insert(full);
      if (std::string(suite->name()).rfind("Reliability", 0) == 0 && std::string(suite->name()) != "ReliabilityDocs")
        reliability.insert(full);
    }
  }
  // Tests of the unit-test binary are found in its sources.
  std::string sources;
  for (const auto& e : std::filesystem::recursive_directory_iterator(MEMBENCH_TEST_SOURCE_DIR))
    if (e.path().extension() == ".cpp") sources += read_text(e.path().string());
  auto defined_in_sources = [&](const std::string& t) {
    auto dot = t.find('.');
    std::string args = t.substr(0, dot) + ", " + t.substr(dot + 1) + ")";
    return sources.find("TEST(" + args) != std::string::npos || sources.find("TEST_F(" + args) != std::string::npos;
  };
  for (const std::string& t : listed)
    EXPECT_TRUE(existing.count(t) || defined_in_sources(t)) << doc_path << " names " << t << ", which does not exist";
  for (const std::string& t : reliability) EXPECT_TRUE(listed.count(t)) << t << " is missing from " << doc_path;
}
