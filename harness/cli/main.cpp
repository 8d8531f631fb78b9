// membench: dispatches to the registered subcommands.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli/command.h"
#include "report/json.h"

namespace {

void print_usage(std::FILE* to) {
  std::fprintf(to,
               "usage: membench <command> [options]\n"
               "\nMeasures the memory (peak RSS, allocations) and speed of interchangeable\n"
               "strategies for the same task, each case in a process of its own.\n\ncommands:\n");
  for (const membench::cli::Command& c : membench::cli::command_registry())
    if (!c.hidden) std::fprintf(to, "  %-10s %s\n", c.name, c.synopsis);
  std::fprintf(to, "\nRun 'membench <command> --help' for the options of a command.\n"
                   "Exit codes: 0 success; 1 a failed/mismatched case or a regression; "
                   "2 bad usage or input.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    print_usage(stderr);
    return 2;
  }
  std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    print_usage(stdout);
    return 0;
  }
  if (name == "--version") {
    std::printf("membench %s\n", MEMBENCH_VERSION);
    return 0;
  }
  const membench::cli::Command* command = membench::cli::find_command(name);
  if (!command) {
    std::fprintf(stderr, "membench: unknown command '%s' (see 'membench --help')\n", name.c_str());
    return 2;
  }
  std::vector<std::string> args(argv + 2, argv + argc);
  try {
    return command->run(args);
  } catch (const membench::UsageError& e) {
    std::fprintf(stderr, "membench: %s\n", e.what());
    return 2;
  } catch (const membench::report::ReportError& e) {
    std::fprintf(stderr, "membench: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "membench: %s\n", e.what());
    return 2;
  }
}
