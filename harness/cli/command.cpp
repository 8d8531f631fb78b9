#include "cli/command.h"

namespace membench::cli {

CommandRegistry& command_registry() {
  // constinit: exists before any command file registers (see core/registry.h).
  static constinit CommandRegistry registry;
  return registry;
}

const Command* find_command(std::string_view name) { return command_registry().find(name); }

}  // namespace membench::cli
