// Command-line arguments: the option parser every command uses, and the error
// for bad usage or bad input. Below every layer that reads options (the case
// child in runner/ parses its own), so none of them needs cli/.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace membench {

// Bad usage or bad input: main prints "membench: <what>" and exits 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A small option parser: long options only, "--opt VALUE" or "--opt=VALUE",
// flags without values, repeatable options, positionals. "--help" is
// answered by the caller (help_requested()). Unknown options are UsageError.
class ArgParser {
 public:
  ArgParser(std::string command, std::string usage) : command_(std::move(command)), usage_(std::move(usage)) {}

  ArgParser& option(std::string name, std::string help, bool repeatable = false);
  ArgParser& flag(std::string name, std::string help);
  // A one-letter spelling of the option declared last ("-o" for "--out");
  // its value is read under the long name.
  ArgParser& alias(char short_name);
  // Parses; throws UsageError for unknown options or missing values.
  void parse(const std::vector<std::string>& args);

  bool help_requested() const { return help_; }
  std::string help_text() const;

  bool has(std::string_view name) const;
  std::optional<std::string> value(std::string_view name) const;
  std::vector<std::string> values(std::string_view name) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

  // Typed access with range checks; errors name the option.
  std::optional<std::int64_t> integer(std::string_view name, std::int64_t min, std::int64_t max) const;
  std::optional<double> number(std::string_view name, double min, double max) const;

 private:
  struct Spec {
    std::string name, help;
    bool takes_value, repeatable;
    char short_name = 0;
  };
  const Spec* find(std::string_view name) const;

  std::string command_, usage_;
  std::vector<Spec> specs_;
  std::vector<std::pair<std::string, std::string>> given_;
  std::vector<std::string> positionals_;
  bool help_ = false;
};

// Parses sizes such as "8192", "64KiB", "1MiB", "2GiB", "512M", "10k".
std::optional<std::uint64_t> parse_size(std::string_view text);

}  // namespace membench
