// Resolving the two sides of `membench ab` (docs/ab.md): an executable as
// given, or one built from a git revision once and reused.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace membench::runner {

// One side of the comparison: a membench executable, given as a path or
// built from a git revision of the user's tree.
struct AbBuild {
  std::string spec;        // as the user gave it
  std::string executable;  // absolute path
  std::string revision;    // the commit, when built from a revision
  // Given to this side's every `run` before the shared arguments: ab --gbench
  // runs one membench on two builds of the user's Google Benchmark suite.
  std::vector<std::string> run_args = {};
};

class AbError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A path to an executable is used as it is; anything else is resolved as a
// git revision of the repository around the current directory and built
// (Release, the membench target only) in a worktree under `cache_dir`, which
// is kept so the next run reuses it. Throws AbError with one clear line.
AbBuild resolve_build(const std::string& spec, const std::string& cache_dir,
                      const std::function<void(const std::string&)>& log);

// ab --gbench: this membench on the Google Benchmark executable `path`, its
// cases named `workload` on both sides (docs/gbench.md). Throws AbError.
AbBuild gbench_build(const std::string& path, const std::string& workload, const std::vector<std::string>& gbench_args);

}  // namespace membench::runner
