// Command cases (run --command 'NAME=CMD ARGS...'): any program as a
// strategy. The commands are the strategies of one workload the user names;
// each case runs the command itself in fresh processes, through the small
// launcher membench-launch, and measures its process tree from outside:
// peak RSS (docs/command-cases.md), allocations through the
// preloaded libmembench_count.so, time from wait4, stdout's digest.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/strategy.h"
#include "report/model.h"

namespace membench::runner {

struct RunOptions;
struct PlannedCase;

inline constexpr const char* kDefaultCommandWorkload = "command";
inline constexpr const char* kInputPlaceholder = "{input}";

struct CommandDef {
  std::string name;                // the strategy's name in case ids
  std::string line;                // the command as given after NAME=
  std::vector<std::string> words;  // split as sh splits words; {input} not yet replaced
  std::string program;             // the absolute path exec'd (/bin/sh under --shell)
  bool input_argument = false;     // {input} appears: the dataset's path is an argument, else stdin
  Strategy strategy{};             // the registry's view of it (points into name and line)
};

struct CommandSet {
  std::string workload_name;
  bool shell = false;          // run each line with sh -c
  bool ignore_output = false;  // outputs differ on purpose: no digest check
  std::deque<CommandDef> commands;  // in the order given; the first is the reference
  Workload workload{};              // points into workload_name and the first command's name

  CommandSet() = default;
  CommandSet(const CommandSet&) = delete;
  CommandSet& operator=(const CommandSet&) = delete;
};

// Parses every "NAME=COMMAND". Throws UsageError (one line) for a malformed
// one, a name that cannot be part of a case id or is given twice, a program
// that is not found or not executable, a workload name taken by a built-in
// workload.
std::shared_ptr<const CommandSet> parse_commands(const std::vector<std::string>& specs, const std::string& workload,
                                                 bool shell, bool ignore_output);

// The argv that runs `d` on the dataset at `input_path` ({input} replaced;
// under --shell: sh -c LINE, the path quoted for sh).
std::vector<std::string> command_argv(const CommandDef& d, const CommandSet& set, const std::string& input_path);

// Why allocations cannot be counted by a preloaded library in `program`
// (statically linked, directly or through its #! interpreter); nullopt when
// they can.
std::optional<std::string> static_binary_reason(const std::string& program);

// The helpers built beside the membench executable; "" when missing.
std::string launcher_program();
std::string count_library();

// Runs every phase of a command case.
report::CaseResult run_command_case(const PlannedCase& c, const RunOptions& o);

// A registered workload, or the commands' own (run --command).
const Workload* workload_named(const RunOptions& o, const std::string& name);

// What the report's context.workloads says of the commands' workload, added
// to its entry when there is one.
void add_command_context(nlohmann::json& workloads, const CommandSet& set);

}  // namespace membench::runner
