// The run's context: machine, build, commit, command line (the report's
// `context`, docs/report-format.md).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace membench::runner {

nlohmann::json collect_context(const std::vector<std::string>& command_line);

struct SourceRevision {
  std::string commit;  // "": not a git checkout (or no commit yet)
  bool dirty = false;  // a tracked file differs from the commit
};

// The commit checked out in `dir` and whether tracked files differ from it
// (untracked files do not count), from one git process.
SourceRevision source_revision(const std::string& dir);

}  // namespace membench::runner
