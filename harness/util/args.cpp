#include "util/args.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace membench {

ArgParser& ArgParser::option(std::string name, std::string help, bool repeatable) {
  specs_.push_back({std::move(name), std::move(help), true, repeatable});
  return *this;
}

ArgParser& ArgParser::flag(std::string name, std::string help) {
  specs_.push_back({std::move(name), std::move(help), false, false});
  return *this;
}

ArgParser& ArgParser::alias(char short_name) {
  specs_.back().short_name = short_name;
  return *this;
}

const ArgParser::Spec* ArgParser::find(std::string_view name) const {
  for (const Spec& s : specs_)
    if (s.name == name) return &s;
  return nullptr;
}

void ArgParser::parse(const std::vector<std::string>& args) {
  bool only_positionals = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (only_positionals || a.size() < 2 || a[0] != '-' || a == "-") {
      positionals_.push_back(a);
      continue;
    }
    if (a == "--") {
      only_positionals = true;
      continue;
    }
    if (a == "--help" || a == "-h") {
      help_ = true;
      continue;
    }
    const Spec* spec = nullptr;
    std::string name;
    std::optional<std::string> inline_value;
    if (a.rfind("--", 0) != 0) {
      for (const Spec& s : specs_)
        if (a.size() == 2 && s.short_name == a[1]) spec = &s;
      if (!spec) throw UsageError(command_ + ": unknown option '" + a + "' (see --help)");
      name = spec->name;
    } else {
      name = a.substr(2);
      if (auto eq = name.find('='); eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        name.resize(eq);
      }
      spec = find(name);
    }
    if (!spec) throw UsageError(command_ + ": unknown option '--" + name + "' (see --help)");
    if (!spec->takes_value) {
      if (inline_value) throw UsageError(command_ + ": option '--" + name + "' takes no value");
      given_.emplace_back(name, "");
      continue;
    }
    std::string v;
    if (inline_value) {
      v = *inline_value;
    } else {
      if (i + 1 >= args.size()) throw UsageError(command_ + ": option '--" + name + "' needs a value");
      v = args[++i];
    }
    if (!spec->repeatable && has(name))
      throw UsageError(command_ + ": option '--" + name + "' given twice");
    given_.emplace_back(name, v);
  }
}

std::string ArgParser::help_text() const {
  std::ostringstream out;
  out << "usage: membench " << command_ << " " << usage_ << "\n";
  if (!specs_.empty()) out << "\noptions:\n";
  for (const Spec& s : specs_) {
    std::string left = std::string(s.short_name ? std::string("  -") + s.short_name + ", --" : "  --") + s.name +
                       (s.takes_value ? " VALUE" : "");
    out << left;
    if (left.size() < 26) out << std::string(26 - left.size(), ' ');
    else out << "\n" << std::string(26, ' ');
    out << s.help << (s.repeatable ? " (repeatable)" : "") << "\n";
  }
  out << "  --help                  show this help\n";
  return out.str();
}

bool ArgParser::has(std::string_view name) const {
  for (const auto& [k, v] : given_)
    if (k == name) return true;
  return false;
}

std::optional<std::string> ArgParser::value(std::string_view name) const {
  for (const auto& [k, v] : given_)
    if (k == name) return v;
  return std::nullopt;
}

std::vector<std::string> ArgParser::values(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : given_)
    if (k == name) out.push_back(v);
  return out;
}

std::optional<std::int64_t> ArgParser::integer(std::string_view name, std::int64_t min,
                                               std::int64_t max) const {
  auto v = value(name);
  if (!v) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  long long n = std::strtoll(v->c_str(), &end, 10);
  if (v->empty() || *end != '\0' || errno == ERANGE || n < min || n > max)
    throw UsageError(command_ + ": --" + std::string(name) + " must be an integer from " +
                     std::to_string(min) + " to " + std::to_string(max) + ", got '" + *v + "'");
  return n;
}

std::optional<double> ArgParser::number(std::string_view name, double min, double max) const {
  auto v = value(name);
  if (!v) return std::nullopt;
  char* end = nullptr;
  double d = std::strtod(v->c_str(), &end);
  if (v->empty() || *end != '\0' || !std::isfinite(d) || d < min || d > max) {
    std::ostringstream msg;
    msg << command_ << ": --" << name << " must be a number from " << min << " to " << max
        << ", got '" << *v << "'";
    throw UsageError(msg.str());
  }
  return d;
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::size_t i = 0;
  std::uint64_t n = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    std::uint64_t d = static_cast<std::uint64_t>(text[i] - '0');
    if (n > (UINT64_MAX - d) / 10) return std::nullopt;
    n = n * 10 + d;
    ++i;
  }
  if (i == 0) return std::nullopt;
  std::string_view unit = text.substr(i);
  std::uint64_t mult = 1;
  if (unit.empty() || unit == "B") mult = 1;
  else if (unit == "k" || unit == "K" || unit == "KiB" || unit == "KB") mult = 1ull << 10;
  else if (unit == "M" || unit == "MiB" || unit == "MB") mult = 1ull << 20;
  else if (unit == "G" || unit == "GiB" || unit == "GB") mult = 1ull << 30;
  else if (unit == "T" || unit == "TiB" || unit == "TB") mult = 1ull << 40;
  else return std::nullopt;
  if (n > UINT64_MAX / mult) return std::nullopt;
  return n * mult;
}

}  // namespace membench
