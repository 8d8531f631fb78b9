// fields/static_vector: boost::container::static_vector<std::string_view, 8>,
// a fixed-capacity vector that never allocates (Rust's arrayvec). The bound
// is known for most rows but not all, so a row is a variant: the inline
// static_vector until a 9th field arrives, then a std::vector that takes over
// the fields so far. Costs like small_vector (144 bytes per row in the rows
// table, grown by push_back), but the fallback is explicit in the row type.
#include <boost/container/static_vector.hpp>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "strategies/fields_common.h"

namespace membench::catalogue::fields {
namespace {

constexpr std::size_t kBound = 8;

class BoundedRow {
 public:
  void push_back(std::string_view field) {
    if (auto* bounded = std::get_if<Bounded>(&fields_)) {
      if (bounded->size() < kBound) {
        bounded->push_back(field);
        return;
      }
      Unbounded spilled;
      spilled.reserve(2 * kBound);
      spilled.assign(bounded->begin(), bounded->end());
      fields_ = std::move(spilled);
    }
    std::get<Unbounded>(fields_).push_back(field);
  }
  std::span<const std::string_view> fields() const {
    return std::visit([](const auto& f) { return std::span<const std::string_view>(f.data(), f.size()); }, fields_);
  }

 private:
  using Bounded = boost::container::static_vector<std::string_view, kBound>;
  using Unbounded = std::vector<std::string_view>;
  std::variant<Bounded, Unbounded> fields_;
};

std::uint64_t run_static_vector(const Input& in, const Params&, OutputSink& out) {
  std::vector<BoundedRow> rows;
  parse_rows(in.text(), rows);
  write_rows(rows, out, [](const BoundedRow& row) { return row.fields(); });
  return rows.size();
}

}  // namespace

MEMBENCH_STRATEGY("fields", "static_vector", "boost static_vector<string_view, 8>, std::vector past the bound",
                  run_static_vector);

}  // namespace membench::catalogue::fields
