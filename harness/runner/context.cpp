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
#include <thread>

#include "track/alloc_counter.h"

namespace membench::runner {
namespace {

// A command's first line of output, without trailing blanks.
std::string command_output(const std::string& cmd) {
  std::string out = shell_capture(cmd);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

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

nlohmann::json collect_context(const std::vector<std::string>& command_line) {
  nlohmann::json c;
  c["created_utc"] = utc_now();
  c["membench_version"] = MEMBENCH_VERSION;
  std::string src = MEMBENCH_SOURCE_DIR;
  std::string commit = command_output("git -C " + shell_quote(src) + " rev-parse HEAD 2>/dev/null");
  if (!commit.empty()) {
    bool dirty = !command_output("git -C " + shell_quote(src) + " status --porcelain --untracked-files=no 2>/dev/null").empty();
    c["git_commit"] = commit + (dirty ? "-dirty" : "");
  } else {
    c["git_commit"] = nullptr;
  }
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
