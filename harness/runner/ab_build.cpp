#include "runner/ab_build.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "runner/child_process.h"
#include "util/shell.h"

namespace membench::runner {
namespace {

namespace fs = std::filesystem;

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

bool is_executable_file(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::string git(const std::string& args, int& status) {
  return trimmed(shell_capture("git " + args + " 2>/dev/null", &status));
}

// Builds the membench target of `commit` in a worktree of its own, once.
std::string build_revision(const std::string& spec, const std::string& commit, const std::string& cache_dir,
                           const std::function<void(const std::string&)>& log) {
  int status = 0;
  std::string top = git("rev-parse --show-toplevel", status);
  const fs::path tree = fs::path(cache_dir) / commit.substr(0, 12);
  const fs::path exe = tree / "build" / "membench";
  if (is_executable_file(exe.string())) {
    log("ab: " + spec + " is " + commit.substr(0, 12) + ", built before in " + tree.string());
    return exe.string();
  }
  std::error_code ec;
  fs::create_directories(cache_dir, ec);
  if (ec) throw AbError("cannot create the build directory " + cache_dir + ": " + ec.message());
  const std::string build_log = (fs::path(cache_dir) / (commit.substr(0, 12) + ".log")).string();
  if (!fs::exists(tree / "CMakeLists.txt")) {
    shell_capture("git -C " + shell_quote(top) + " worktree add --detach --force " + shell_quote(tree.string()) + " " +
                      commit + " >" + shell_quote(build_log) + " 2>&1",
                  &status);
    if (status != 0) throw AbError("cannot check out " + spec + " into " + tree.string() + " (see " + build_log + ")");
  }
  log("ab: building " + spec + " (" + commit.substr(0, 12) + ") in " + tree.string());
  const std::string build = tree.string() + "/build";
  shell_capture("{ cmake -S " + shell_quote(tree.string()) + " -B " + shell_quote(build) +
                    " -G Ninja -DCMAKE_BUILD_TYPE=Release -DMEMBENCH_TESTS=OFF && cmake --build " + shell_quote(build) +
                    " --target membench; } >>" + shell_quote(build_log) + " 2>&1",
                &status);
  if (status != 0 || !is_executable_file(exe.string()))
    throw AbError("building " + spec + " failed (see " + build_log + ")");
  return exe.string();
}

}  // namespace

AbBuild gbench_build(const std::string& path, const std::string& workload, const std::vector<std::string>& gbench_args) {
  if (!is_executable_file(path))
    throw AbError("--gbench " + path + ": " + (fs::exists(path) ? "not an executable file" : "no such file"));
  AbBuild b;
  b.spec = path;
  b.executable = self_executable();
  b.run_args = {"--gbench", fs::absolute(path).lexically_normal().string(), "--workload", workload};
  for (const std::string& a : gbench_args) b.run_args.push_back("--gbench-arg=" + a);
  return b;
}

AbBuild resolve_build(const std::string& spec, const std::string& cache_dir,
                      const std::function<void(const std::string&)>& log) {
  AbBuild b;
  b.spec = spec;
  if (spec.empty()) throw AbError("an empty build (give a membench executable or a git revision)");
  if (fs::exists(spec) && !fs::is_directory(spec)) {
    if (!is_executable_file(spec)) throw AbError(spec + ": not an executable file");
    b.executable = fs::absolute(spec).string();
    return b;
  }
  int status = 0;
  if (spec.front() == '-') throw AbError("'" + spec + "' is not a build (an option before BASE and HEAD?)");
  std::string commit = git("rev-parse --verify --quiet " + shell_quote(spec + "^{commit}"), status);
  if (status != 0 || commit.size() != 40)
    throw AbError("'" + spec + "' is neither a membench executable nor a git revision of the repository here");
  b.revision = commit;
  b.executable = build_revision(spec, commit, cache_dir, log);
  return b;
}

}  // namespace membench::runner
