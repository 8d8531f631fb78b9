// Splitting a command line into words as a POSIX shell does, for commands
// that membench executes directly (run --command): quotes and backslashes
// work as in sh; what only a shell can do (pipes, redirections, variables,
// globs, ~) is refused rather than passed on as a literal argument.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace membench {

struct CommandWordsError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// Throws CommandWordsError naming the problem (an unterminated quote, a
// shell operator, a glob).
std::vector<std::string> split_command_words(const std::string& line);

}  // namespace membench
