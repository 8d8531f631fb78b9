// Memory against input size: the fitted classes of `run --scale`.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "process_helpers.h"

using nlohmann::json;

namespace {
const json* fit(const json& rep, const std::string& workload, const std::string& strategy, const std::string& metric) {
  for (const json& f : rep["scaling"])
    if (f["workload"] == workload && f["strategy"] == strategy && f["metric"] == metric) return &f;
  return nullptr;
}
}  // namespace

TEST(Scaling, StreamIsConstantFullReadLinearStringViewFlatterThanStdString) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("RSS includes shadow memory and allocations.peak_live_bytes needs the counter");
  std::string dir = test_dir("scaling");
  std::string out = dir + "/report.json";
  CommandResult r = run_membench({"run", "--scale", "--filter",
                                  "^(hash/(stream|full_read)|tokenize/(std_string|string_view))/text-(1|4|16)MiB/",
                                  "--repetitions", "1", "--min-time", "0.01", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json rep = json::parse(read_text(out));
  const std::string rss = "memory.peak_rss_delta_bytes", live = "allocations.peak_live_bytes";

  const json* stream = fit(rep, "hash", "stream", rss);
  ASSERT_TRUE(stream);
  EXPECT_EQ((*stream)["class"], "O(1)") << stream->dump();
  EXPECT_EQ((*stream)["points"].size(), 3u);

  const json* full = fit(rep, "hash", "full_read", rss);
  ASSERT_TRUE(full);
  EXPECT_EQ((*full)["class"], "O(n)") << full->dump();
  EXPECT_NEAR((*full)["slope"].get<double>(), 1.0, 0.05);
  const json* full_live = fit(rep, "hash", "full_read", live);
  ASSERT_TRUE(full_live);
  EXPECT_NEAR((*full_live)["slope"].get<double>(), 1.0, 0.01);

  const json* view = fit(rep, "tokenize", "string_view", live);
  const json* owned = fit(rep, "tokenize", "std_string", live);
  ASSERT_TRUE(view && owned);
  EXPECT_LT((*view)["slope"].get<double>(), (*owned)["slope"].get<double>())
      << view->dump() << "\n" << owned->dump();
}

// A strategy declares its memory class in its registration; `run --scale`
// fails its cases when the fit says otherwise, and shows both.
TEST(Scaling, FitThatContradictsTheDeclaredClassFailsTheCase) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("RSS includes shadow memory, which grows with every allocation");
  std::string dir = test_dir("declared_class");
  std::string out = dir + "/scale.json";
  CommandResult r = run_membench({"run", "--scale", "--filter", "^(selftest/claims_constant|hash/stream)/",
                                  "--phases", "memory", "--out", out});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  json rep = json::parse(read_text(out));
  int failed = 0, ok = 0;
  for (const json& c : rep["results"]) {
    if (c["strategy"] == "claims_constant") {
      EXPECT_EQ(c["status"], "failed");
      EXPECT_NE(c["error"].get<std::string>().find("declared O(1), but peak RSS grows as O(n)"), std::string::npos)
          << c["error"];
      ++failed;
    } else {
      EXPECT_EQ(c["status"], "ok") << c["error"];  // hash/stream keeps its O(1)
      ++ok;
    }
  }
  EXPECT_GE(failed, 3);
  EXPECT_GE(ok, 3);
  bool saw_declared = false;
  for (const json& f : rep["scaling"])
    if (f["strategy"] == "stream" && f["metric"] == "memory.peak_rss_delta_bytes") {
      EXPECT_EQ(f["declared_class"], "O(1)");
      EXPECT_EQ(f["class"], "O(1)");
      saw_declared = true;
    }
  EXPECT_TRUE(saw_declared);
}
