// Inputs the report-reader fuzzer (fuzz/report_reader_fuzz.cpp) found
// failing, and the seed corpus it starts from, replayed on every test run.
// Each must be read or refused with a ReportError, never crash or throw
// anything else; a report that is read must survive writing and reading back.
// A new crash found by fuzz/run.sh: copy the input into fuzz/regressions/.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/json.h"

namespace {

using nlohmann::json;

std::string read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::filesystem::path> files_in(const std::string& dir) {
  std::vector<std::filesystem::path> out;
  if (!std::filesystem::is_directory(dir)) return out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.is_regular_file() && e.path().filename().string()[0] != '.') out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

enum class Outcome { not_json, refused, read };

// What the fuzz target checks, as a test: returns how the input ended.
Outcome replay(const std::string& bytes, const std::string& name) {
  json j = json::parse(bytes, nullptr, false);
  if (j.is_discarded()) return Outcome::not_json;
  membench::report::Report first;
  try {
    first = membench::report::from_json(j, name);
  } catch (const membench::report::ReportError& e) {
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << name << ": " << e.what();
    return Outcome::refused;
  } catch (const std::exception& e) {
    ADD_FAILURE() << name << ": from_json threw something other than ReportError: " << e.what();
    return Outcome::refused;
  }
  json written = membench::report::to_json(first);
  json reread = json::parse(written.dump(1, ' ', false, json::error_handler_t::replace), nullptr, false);
  EXPECT_FALSE(reread.is_discarded()) << name;
  try {
    membench::report::Report second = membench::report::from_json(reread, name + " (written back)");
    // (compared as text: gtest cannot print a json value)
    EXPECT_EQ(membench::report::to_json(second).dump(), reread.dump()) << name;
  } catch (const std::exception& e) {
    ADD_FAILURE() << name << ": refused after writing it out: " << e.what();
  }
  return Outcome::read;
}

const std::string kFuzzDir = std::string(MEMBENCH_TEST_SOURCE_DIR) + "/../fuzz";

}  // namespace

TEST(ReportFuzzRegressions, EveryRecordedInputIsReadOrRefused) {
  auto inputs = files_in(kFuzzDir + "/regressions");
  ASSERT_FALSE(inputs.empty()) << "no recorded inputs in " << kFuzzDir << "/regressions";
  for (const auto& p : inputs) replay(read_bytes(p), p.filename().string());
  SUCCEED() << inputs.size() << " recorded inputs";
}

TEST(ReportFuzzRegressions, EverySeedIsReadOrRefused) {
  auto seeds = files_in(kFuzzDir + "/corpus");
  ASSERT_FALSE(seeds.empty()) << "no seed corpus in " << kFuzzDir << "/corpus";
  int read = 0;
  for (const auto& p : seeds) read += replay(read_bytes(p), p.filename().string()) == Outcome::read;
  EXPECT_GT(read, 0) << "no seed is a valid report";
}

// Values next to the ones the fuzzer found: figures a report cannot hold are
// refused with a reason, not truncated or wrapped into another number.
TEST(ReportFuzzRegressions, OutOfRangeFiguresAreRefused) {
  json base = json::parse(read_bytes(kFuzzDir + "/corpus/one-case-every-field.json"));
  ASSERT_NO_THROW(membench::report::from_json(base, "seed"));
  struct Edit {
    const char* what;
    json::json_pointer where;
    json value;
  };
  const std::vector<Edit> edits{
      {"is not a non-negative integer", json::json_pointer("/results/0/timeline/rss_bytes/1"), 1.8446744073709552e20},
      {"is not a non-negative integer", json::json_pointer("/results/0/timeline/rss_bytes/0"), 4194304.5},
      {"is negative", json::json_pointer("/results/0/timeline/anon_bytes/0"), -1},
      {"is out of range", json::json_pointer("/results/0/time/repetitions"), 4294967298ull},
      {"is not a non-negative integer", json::json_pointer("/results/0/memory/peak_rss_bytes"), 1e30},
  };
  for (const Edit& e : edits) {
    json j = base;
    j[e.where] = e.value;
    try {
      membench::report::from_json(j, "edited");
      ADD_FAILURE() << e.where.to_string() << " = " << e.value.dump() << " was accepted";
    } catch (const membench::report::ReportError& err) {
      EXPECT_NE(std::string(err.what()).find(e.what), std::string::npos) << err.what();
    }
  }
}
