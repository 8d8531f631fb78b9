// Parsing run --command: names, words, programs; finding the helpers; telling
// a statically linked program (which no preloaded library can see into).
#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>

#include "runner/child_process.h"
#include "runner/command_case.h"
#include "runner/gbench.h"
#include "runner/runner.h"
#include "util/args.h"
#include "util/command_words.h"
#include "util/fd.h"
#include "util/shell.h"

namespace membench::runner {
namespace {

namespace fs = std::filesystem;

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (unsigned char c : name)
    if (!std::isalnum(c) && c != '_' && c != '-' && c != '.' && c != '+') return false;
  return true;
}

bool executable_file(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// As execvp finds a program: a name with a '/' is a path; otherwise the
// first executable file of that name in PATH.
std::string resolve_program(const std::string& name, const std::string& option) {
  if (name.find('/') != std::string::npos) {
    if (!executable_file(name)) {
      std::string why = ::access(name.c_str(), F_OK) != 0 ? "no such file" : "not an executable file";
      throw UsageError(option + ": program " + name + ": " + why);
    }
    return fs::absolute(name).lexically_normal().string();
  }
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t colon = dirs.find(':', start);
    std::string dir = dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
    if (executable_file(candidate)) return fs::absolute(candidate).lexically_normal().string();
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  throw UsageError(option + ": program '" + name + "' not found in PATH");
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

CommandDef parse_one(const std::string& spec, bool shell) {
  std::string option = "--command '" + spec + "'";
  std::size_t eq = spec.find('=');
  if (eq == std::string::npos) throw UsageError(option + " must be NAME=COMMAND (e.g. 'stream=sha256sum {input}')");
  CommandDef d;
  d.name = spec.substr(0, eq);
  d.line = spec.substr(eq + 1);
  if (!valid_name(d.name))
    throw UsageError(option + ": name '" + d.name + "' must be 1-64 letters, digits, '_', '-', '.' or '+'");
  option = "--command " + d.name;
  if (shell) {
    // sh parses the line itself; only an empty one is refused here.
    if (d.line.find_first_not_of(" \t\n") == std::string::npos) throw UsageError(option + ": the command is empty");
  } else {
    try {
      d.words = split_command_words(d.line);
    } catch (const CommandWordsError& e) {
      throw UsageError(option + ": " + e.what());
    }
    if (d.words.empty()) throw UsageError(option + ": the command is empty");
  }
  d.input_argument = d.line.find(kInputPlaceholder) != std::string::npos;
  if (!shell && d.words[0].find(kInputPlaceholder) != std::string::npos)
    throw UsageError(option + ": {input} cannot be the program");
  d.program = shell ? "/bin/sh" : resolve_program(d.words[0], option);
  return d;
}

}  // namespace

std::shared_ptr<const CommandSet> parse_commands(const std::vector<std::string>& specs, const std::string& workload,
                                                 bool shell, bool ignore_output) {
  if (specs.empty()) throw UsageError("no --command given");
  if (!valid_name(workload))
    throw UsageError("--workload '" + workload + "' must be 1-64 letters, digits, '_', '-', '.' or '+'");
  if (find_workload(workload))
    throw UsageError("--workload " + workload + " is a built-in workload; name the commands' workload otherwise");
  auto set = std::make_shared<CommandSet>();
  set->workload_name = workload;
  set->shell = shell;
  set->ignore_output = ignore_output;
  std::set<std::string> names;
  for (const std::string& spec : specs) {
    CommandDef d = parse_one(spec, shell);
    if (!names.insert(d.name).second) throw UsageError("--command " + d.name + ": the name is given twice");
    set->commands.push_back(std::move(d));
  }
  // Pointers into the deque's elements, which never move once added.
  for (CommandDef& d : set->commands)
    d.strategy = Strategy{set->workload_name.c_str(), d.name.c_str(), d.line.c_str(), Params{}, nullptr};
  set->workload = Workload{.name = set->workload_name.c_str(),
                           .description = "commands given with run --command",
                           .input = InputKind::path,
                           .dataset_kind = "text",
                           .reference_strategy = set->commands.front().name.c_str()};
  return set;
}

std::vector<std::string> command_argv(const CommandDef& d, const CommandSet& set, const std::string& input_path) {
  if (set.shell) {
    std::string line = d.line;
    replace_all(line, kInputPlaceholder, shell_quote(input_path));
    return {"/bin/sh", "-c", line};
  }
  std::vector<std::string> argv = d.words;
  for (std::size_t i = 1; i < argv.size(); ++i) replace_all(argv[i], kInputPlaceholder, input_path);
  return argv;
}

std::optional<std::string> static_binary_reason(const std::string& program) {
  UniqueFd fd(::open(program.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return std::nullopt;
  char head[256] = {};
  ssize_t n = ::pread(fd.get(), head, sizeof head - 1, 0);
  if (n >= 2 && head[0] == '#' && head[1] == '!') {
    // A script: what matters is its interpreter.
    std::string line(head + 2, static_cast<std::size_t>(n - 2));
    line = line.substr(0, line.find('\n'));
    std::size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos) return std::nullopt;
    std::string interpreter = line.substr(start, line.find_first_of(" \t", start) - start);
    if (interpreter == program) return std::nullopt;
    return static_binary_reason(interpreter);
  }
  Elf64_Ehdr eh{};
  if (::pread(fd.get(), &eh, sizeof eh, 0) != static_cast<ssize_t>(sizeof eh) ||
      std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64)
    return std::nullopt;  // not a 64-bit ELF file: the count run will tell
  for (unsigned i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph{};
    off_t at = static_cast<off_t>(eh.e_phoff + static_cast<std::uint64_t>(i) * eh.e_phentsize);
    if (::pread(fd.get(), &ph, sizeof ph, at) != static_cast<ssize_t>(sizeof ph)) return std::nullopt;
    if (ph.p_type == PT_INTERP) return std::nullopt;
  }
  return program + " is statically linked: no preloaded library can see its allocations";
}

namespace {

// Beside the executable (the build tree, or an installed bin/), then the
// installed libexec/membench, then the tree this build came from.
std::string find_helper(const char* name) {
  std::vector<fs::path> dirs;
  try {
    fs::path exe_dir = fs::path(self_executable()).parent_path();
    dirs = {exe_dir, exe_dir.parent_path() / "libexec" / "membench"};
  } catch (const std::exception&) {
  }
#ifdef MEMBENCH_BINARY_DIR
  dirs.emplace_back(MEMBENCH_BINARY_DIR);
#endif
  for (const fs::path& dir : dirs) {
    fs::path candidate = dir / name;
    if (::access(candidate.c_str(), R_OK) == 0) return candidate.string();
  }
  return "";
}

}  // namespace

std::string launcher_program() { return find_helper("membench-launch"); }
std::string count_library() { return find_helper("libmembench_count.so"); }

const Workload* workload_named(const RunOptions& o, const std::string& name) {
  if (o.commands && name == o.commands->workload_name) return &o.commands->workload;
  for (const auto& suite : o.gbench)
    if (name == suite->set.workload_name) return &suite->set.workload;
  return find_workload(name);
}

void add_command_context(nlohmann::json& workloads, const CommandSet& set) {
  if (!workloads.contains(set.workload_name)) return;
  nlohmann::json commands = nlohmann::json::object();
  for (const CommandDef& d : set.commands) commands[d.name] = d.line;
  workloads[set.workload_name].update({{"shell", set.shell}, {"ignore_output", set.ignore_output}, {"commands", commands}});
}

}  // namespace membench::runner
