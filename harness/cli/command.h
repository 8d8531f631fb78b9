// Subcommands register themselves; main() only dispatches. A new command is
// one new file under cli/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/args.h"

namespace membench::cli {

using CommandFn = int (*)(const std::vector<std::string>& args);

struct Command {
  const char* name;
  const char* synopsis;  // one line for the top-level --help
  CommandFn run;
  bool hidden;  // internal commands (the case child) stay out of --help
  const Command* next = nullptr;
};

const Command* first_command();
const Command* find_command(std::string_view name);

struct CommandRegistration {
  explicit CommandRegistration(Command& c);
};

}  // namespace membench::cli

#define MEMBENCH_COMMAND(ident, name, synopsis, fn, hidden)             \
  static ::membench::cli::Command membench_command_##ident{name, synopsis, fn, hidden}; \
  static const ::membench::cli::CommandRegistration membench_command_reg_##ident{ \
      membench_command_##ident}
