#include "cli/command.h"

namespace membench::cli {
namespace {
const Command*& command_head() {
  static const Command* head = nullptr;
  return head;
}
}  // namespace

CommandRegistration::CommandRegistration(Command& c) {
  // Keep the list sorted by name so --help is stable.
  const Command** at = &command_head();
  while (*at && std::string_view((*at)->name) < c.name) at = const_cast<const Command**>(&(*at)->next);
  c.next = *at;
  *at = &c;
}

const Command* first_command() { return command_head(); }

const Command* find_command(std::string_view name) {
  for (const Command* c = first_command(); c; c = c->next)
    if (name == c->name) return c;
  return nullptr;
}

}  // namespace membench::cli
