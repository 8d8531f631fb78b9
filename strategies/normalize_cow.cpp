// normalize/cow: the guide's Cow<str>. An unchanged identifier is returned as
// a view into the input; only one that contains a space is copied and fixed.
// Costs a 40-byte variant per line but a heap block only for the changed
// identifiers longer than 15 bytes; the results borrow from the input.
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "strategies/normalize_common.h"

namespace membench::catalogue::normalize {
namespace {

// Borrowed or owned text: reading it is the same either way.
class CowString {
 public:
  explicit CowString(std::string_view borrowed) : text_(borrowed) {}
  explicit CowString(std::string owned) : text_(std::move(owned)) {}
  bool is_owned() const { return std::holds_alternative<std::string>(text_); }
  operator std::string_view() const {  // NOLINT: reading is borrowing
    return std::visit([](const auto& t) { return std::string_view(t); }, text_);
  }

 private:
  std::variant<std::string_view, std::string> text_;
};

CowString normalized(std::string_view name) {
  if (name.find(' ') == std::string_view::npos) return CowString(name);
  std::string owned(name);
  std::replace(owned.begin(), owned.end(), ' ', '_');
  return CowString(std::move(owned));
}

std::uint64_t run_cow(const Input& in, const Params&, OutputSink& out) {
  std::vector<CowString> names;
  names.reserve(count_lines(in.text()));
  for_each_line(in.text(), [&](std::string_view line) { names.push_back(normalized(line)); });
  write_names(names, out);
  return names.size();
}

}  // namespace

MEMBENCH_STRATEGY("normalize", "cow", "borrow unchanged identifiers, copy only those with a space", run_cow);

}  // namespace membench::catalogue::normalize
