#include "util/paths.h"

#include <filesystem>
#include <system_error>

namespace membench {
namespace {

namespace fs = std::filesystem;

// The path made absolute and resolved as far as it exists; the lexical form
// when even that fails (a directory we may not search).
fs::path resolved(const std::string& p) {
  std::error_code ec;
  // Absolute first: weakly_canonical leaves a relative path relative when
  // none of it exists ("out.json" in the current directory).
  fs::path a = fs::absolute(fs::path(p), ec);
  if (ec) a = fs::path(p);
  fs::path r = fs::weakly_canonical(a, ec);
  return ec ? a.lexically_normal() : r;
}

std::string shown(const NamedPath& p) { return p.option.empty() ? p.path : p.option + " " + p.path; }

}  // namespace

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec_a, ec_b;
  const bool a_exists = fs::exists(fs::path(a), ec_a);
  const bool b_exists = fs::exists(fs::path(b), ec_b);
  if (a_exists && b_exists) {
    std::error_code ec;
    bool same = fs::equivalent(fs::path(a), fs::path(b), ec);
    if (!ec) return same;
  }
  return resolved(a) == resolved(b);
}

void refuse_outputs_over_inputs(const std::vector<NamedPath>& outputs, const std::vector<NamedPath>& inputs) {
  for (const NamedPath& out : outputs) {
    for (const NamedPath& in : inputs) {
      if (!same_file(out.path, in.path)) continue;
      // Name the input too when the user could not see they are one file
      // (another spelling, a link) or when an option gave it.
      std::string which;
      if (in.path != out.path) which = " (" + shown(in) + ", the same file)";
      else if (!in.option.empty()) which = " (" + in.option + ")";
      throw PathConflict(shown(out) + " is also an input" + which + "; refusing to overwrite it");
    }
  }
}

void refuse_outputs_naming_one_file(const std::vector<NamedPath>& outputs) {
  for (std::size_t i = 0; i < outputs.size(); ++i)
    for (std::size_t k = i + 1; k < outputs.size(); ++k)
      if (same_file(outputs[i].path, outputs[k].path))
        throw PathConflict(shown(outputs[i]) + " and " + shown(outputs[k]) +
                           " name the same file; each output needs its own");
}

}  // namespace membench
