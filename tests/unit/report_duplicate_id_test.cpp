// A report holding one case id twice is refused by the reader: compare,
// merge and the renderers all match cases by id.
#include <gtest/gtest.h>

#include "report/json.h"

using namespace membench::report;
using nlohmann::json;

namespace {

json result(const std::string& dataset) {
  return {{"id", "hash/stream/" + dataset + "/glibc"}, {"workload", "hash"}, {"strategy", "stream"},
          {"dataset", dataset}, {"allocator", "glibc"}, {"status", "ok"}};
}

}  // namespace

TEST(ReportDuplicateId, RefusedNamingTheIdAndBothPositions) {
  json j = {{"schema", kSchema}, {"context", json::object()}, {"results", json::array()}};
  for (const char* d : {"a", "b", "c", "b"}) j["results"].push_back(result(d));
  try {
    from_json(j, "r.json");
    FAIL() << "accepted a duplicate case id";
  } catch (const ReportError& e) {
    EXPECT_EQ(std::string(e.what()), "r.json: results[3]: case id 'hash/stream/b/glibc' appears twice (first at results[1])");
  }
}

TEST(ReportDuplicateId, DistinctIdsAreRead) {
  json j = {{"schema", kSchema}, {"context", json::object()}, {"results", json::array()}};
  for (const char* d : {"a", "b"}) j["results"].push_back(result(d));
  j["results"].push_back(result("a"));
  j["results"][2]["allocator"] = "jemalloc";
  j["results"][2]["id"] = "hash/stream/a/jemalloc";
  EXPECT_EQ(from_json(j).results.size(), 3u);
}
