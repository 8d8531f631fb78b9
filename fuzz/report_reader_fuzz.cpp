// libFuzzer target for the report reader: any bytes given to `compare`,
// `report` or `merge` must either parse into a report or be refused with a
// ReportError, never crash, hang or hit undefined behaviour. A report the
// reader accepts must also survive writing and reading back unchanged.
//
// Built by fuzz/build.sh (clang++ -fsanitize=fuzzer,address,undefined), run by
// fuzz/run.sh. Inputs that once failed live in fuzz/regressions/ and are
// replayed by tests/unit/report_fuzz_regressions_test.cpp.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "report/json.h"

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "report_reader_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  nlohmann::json j = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  membench::report::Report first;
  try {
    first = membench::report::from_json(j, "fuzz input");
  } catch (const membench::report::ReportError&) {
    return 0;  // refused with a message: what a bad file must get
  } catch (const std::exception& e) {
    fail("from_json threw something other than ReportError", e.what());
  }
  // Accepted: writing it out and reading it back must give the same JSON.
  nlohmann::json written = membench::report::to_json(first);
  std::string text = written.dump(1, ' ', false, nlohmann::json::error_handler_t::replace);
  nlohmann::json reread_json = nlohmann::json::parse(text, nullptr, false);
  if (reread_json.is_discarded()) fail("to_json wrote invalid JSON", text.substr(0, 200));
  try {
    membench::report::Report second = membench::report::from_json(reread_json, "round trip");
    if (membench::report::to_json(second) != reread_json)
      fail("a report changed when written and read back", text.substr(0, 200));
  } catch (const std::exception& e) {
    fail("a report the reader accepted was refused after writing it out", e.what());
  }
  return 0;
}
