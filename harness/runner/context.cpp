#include "runner/context.h"

#include "util/shell.h"

#include <gnu/libc-version.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <string_view>
#include <thread>

#include "track/alloc_counter.h"

namespace membench::runner {
namespace {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  return "unknown";
}

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

// One git process for both (`ab` starts a run per timed process, and each
// git start costs milliseconds: docs/time-gate.md, "What ab costs").
SourceRevision source_revision(const std::string& dir) {
  SourceRevision r;
  const std::string status =
      shell_capture("git -C " + shell_quote(dir) + " status --porcelain=v2 --branch --untracked-files=no 2>/dev/null");
  constexpr std::string_view kOid = "# branch.oid ";
  std::size_t begin = 0;
  while (begin < status.size()) {
    std::size_t end = status.find('\n', begin);
    if (end == std::string::npos) end = status.size();
    const std::string_view line(status.data() + begin, end - begin);
    if (line.substr(0, kOid.size()) == kOid) {
      if (std::string_view oid = line.substr(kOid.size()); oid != "(initial)") r.commit = oid;
    } else if (!line.empty() && line.front() != '#') {
      r.dirty = true;  // a changed tracked file: "1 ...", "2 ..." or "u ..."
    }
    begin = end + 1;
  }
  return r;
}

nlohmann::json collect_context(const std::vector<std::string>& command_line) {
  nlohmann::json c;
  c["created_utc"] = utc_now();
  c["membench_version"] = MEMBENCH_VERSION;
  const SourceRevision revision = source_revision(MEMBENCH_SOURCE_DIR);
  if (!revision.commit.empty())
    c["git_commit"] = revision.commit + (revision.dirty ? "-dirty" : "");
  else
    c["git_commit"] = nullptr;
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  c["host"] = host;
  c["cpu_model"] = cpu_model();
  c["cores"] = std::thread::hardware_concurrency();
  utsname u{};
  ::uname(&u);
  c["kernel"] = std::string(u.sysname) + " " + u.release;
  c["compiler"] = MEMBENCH_COMPILER;
  c["compiler_flags"] = MEMBENCH_CXX_FLAGS;
  c["build_type"] = MEMBENCH_BUILD_TYPE;
  // Sanitizer builds compile the allocation counter out and inflate RSS with
  // shadow memory: say so, so nobody compares their figures with a release's.
  c["allocation_counter"] = track::counter_available();
#if defined(__SANITIZE_ADDRESS__)
  c["sanitizer"] = "address";
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  c["sanitizer"] = "address";
#endif
#endif
  std::string line;
  for (const std::string& a : command_line) line += (line.empty() ? "" : " ") + a;
  c["command_line"] = line;
  c["allocators"] = {{"glibc", {{"version", gnu_get_libc_version()}}}};
  return c;
}

}  // namespace membench::runner
