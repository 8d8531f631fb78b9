// Subcommands register themselves; main() only dispatches. A new command is
// one new file under cli/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/registry.h"
#include "util/args.h"

namespace membench::cli {

using CommandFn = int (*)(const std::vector<std::string>& args);

struct Command {
  const char* name;
  const char* synopsis;  // one line for the top-level --help
  CommandFn run;
  bool hidden;  // internal commands (the case child) stay out of --help
};

// Sorted by name, so --help is stable.
using CommandRegistry = Registry<Command, ByName>;
CommandRegistry& command_registry();
const Command* find_command(std::string_view name);

}  // namespace membench::cli

#define MEMBENCH_COMMAND(ident, name, synopsis, fn, hidden)                                     \
  static const ::membench::cli::Command membench_command_##ident{name, synopsis, fn, hidden}; \
  static ::membench::cli::CommandRegistry::Entry membench_command_entry_##ident{                \
      ::membench::cli::command_registry(), membench_command_##ident}
