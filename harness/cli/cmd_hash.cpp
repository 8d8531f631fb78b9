// membench hash: SHA-256 of files through any hash strategy, printed exactly
// as sha256sum prints it. Runs in this process (it is a tool, not a case):
// `/usr/bin/time -v membench hash --strategy full_read FILE` measures it.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cli/command.h"
#include "core/strategy.h"
#include "runner/sinks.h"

namespace membench::cli {
namespace {

// sha256sum escapes names holding a backslash or a newline and marks the
// line with a leading backslash.
std::string sha256sum_line(const std::string& hex, const std::string& name) {
  bool escape = name.find_first_of("\\\n\r") != std::string::npos;
  std::string out = escape ? "\\" : "";
  out += hex + "  ";
  for (char c : name) {
    if (!escape) out += c;
    else if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else out += c;
  }
  return out + "\n";
}

std::string strategy_names() {
  std::string names;
  for (const Strategy& s : strategy_registry())  // sorted by name within the workload
    if (std::string_view(s.workload) == "hash") names += (names.empty() ? "" : ", ") + std::string(s.name);
  return names;
}

int hash_main(const std::vector<std::string>& args) {
  ArgParser p("hash", "[--strategy NAME] [--buffer-size N] FILE...");
  p.option("strategy", "full_read, stream (default), mmap, or any hash strategy in 'membench list'")
      .option("buffer-size", "buffer bytes for stream/overlap, e.g. 8192 or 64KiB");
  p.parse(args);
  if (p.help_requested()) {
    std::printf("%s\nPrints \"<sha256>  <name>\" per file, byte-identical to sha256sum. '-' (or no\n"
                "FILE) reads standard input; mmap falls back to streaming for input that cannot\n"
                "be mapped (a pipe).\nStrategies: %s\n",
                p.help_text().c_str(), strategy_names().c_str());
    return 0;
  }
  std::string name = p.value("strategy").value_or("stream");
  const Strategy* strategy = find_strategy("hash", name);
  if (!strategy) throw UsageError("hash: unknown strategy '" + name + "' (one of: " + strategy_names() + ")");
  Params params = strategy->params;
  if (auto b = p.value("buffer-size")) {
    auto size = parse_size(*b);
    if (!size || *size == 0 || *size > (1ull << 30)) throw UsageError("hash: --buffer-size '" + *b + "' must be 1 byte to 1GiB");
    if (!params.set("buffer_bytes", static_cast<std::int64_t>(*size)))
      throw UsageError("hash: strategy '" + name + "' has no buffer (--buffer-size applies to stream and overlap)");
  }
  std::vector<std::string> files = p.positionals();
  if (files.empty()) files.push_back("-");
  const Strategy* fallback = find_strategy("hash", "stream");
  int rc = 0;
  for (const std::string& file : files) {
    const Strategy* use = strategy;
    struct stat st{};
    int stat_rc = file == "-" ? ::fstat(0, &st) : ::stat(file.c_str(), &st);
    if (stat_rc != 0) {
      std::fprintf(stderr, "membench: hash: %s: %s\n", file.c_str(), std::strerror(errno));
      rc = 2;
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      std::fprintf(stderr, "membench: hash: %s: Is a directory\n", file.c_str());
      rc = 2;
      continue;
    }
    if (!S_ISREG(st.st_mode) && std::string_view(use->name).rfind("mmap", 0) == 0) use = fallback;
    Input in;
    in.path = file.c_str();
    in.size = S_ISREG(st.st_mode) ? static_cast<std::uint64_t>(st.st_size) : 0;
    DigestCapture capture;
    try {
      use->run(in, use == strategy ? params : use->params, capture);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "membench: hash: %s\n", e.what());
      rc = 2;
      continue;
    }
    std::string line = sha256sum_line(capture.hex(), file);
    std::fwrite(line.data(), 1, line.size(), stdout);
  }
  return rc;
}

}  // namespace

MEMBENCH_COMMAND(hash, "hash", "SHA-256 of files, output identical to sha256sum", hash_main, false);

}  // namespace membench::cli
