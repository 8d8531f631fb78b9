// "identifiers": one identifier per line, built from 1-6 parts of a
// programming vocabulary in the usual styles (snake_case, dotted.path,
// camelCase, kebab-case, SCREAMING_CASE), sometimes with a numeric suffix.
// A configurable share of them (10% in the registered datasets) are joined
// with spaces instead, as names typed by people are ("Order Total Amount"):
// those are the ones the normalize workload has to change. Lengths run from
// 2 to about 60 bytes, most above 15 (std::string's inline capacity). Memory O(1).
#include <charconv>
#include <string_view>

#include "datasets/dataset.h"

namespace membench::datasets {
namespace {

constexpr std::string_view kParts[] = {
    "user",    "account", "id",      "name",    "order",   "total",   "amount",  "created", "updated", "at",
    "http",    "request", "header",  "content", "length",  "max",     "min",     "count",   "index",   "buffer",
    "size",    "config",  "path",    "file",    "server",  "client",  "session", "token",   "cache",   "entry",
    "key",     "value",   "item",    "list",    "map",     "table",   "row",     "column",  "field",   "type",
    "status",  "code",    "error",   "message", "time",    "stamp",   "date",    "price",   "unit",    "tax",
    "rate",    "limit",   "offset",  "page",    "query",   "result",  "handler", "service", "manager", "factory",
    "default", "enabled", "flag",    "version", "billing", "address", "street",  "city",    "country", "postal",
    "phone",   "email",   "customer", "invoice", "payment", "method", "shipping", "warehouse", "stock", "level"};

char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

void write_part(ByteWriter& out, std::string_view part, bool capitalise, bool all_caps) {
  for (std::size_t i = 0; i < part.size(); ++i) out.put(all_caps || (capitalise && i == 0) ? upper(part[i]) : part[i]);
}

void generate_identifiers_with_spaces(ByteWriter& out, std::uint64_t space_percent) {
  Rng rng(0x6964656e74696669ull);  // "identifi"
  while (!out.full()) {
    std::uint64_t parts = 1 + rng.below(3) + rng.below(4);  // 1..6, mostly 2..4
    bool spaces = rng.below(100) < space_percent;
    std::uint64_t style = rng.below(100);
    for (std::uint64_t i = 0; i < parts; ++i) {
      std::string_view part = kParts[rng.below(std::size(kParts))];
      if (spaces) {
        if (i) out.put(' ');
        write_part(out, part, rng.below(2) == 0, false);
      } else if (style < 45) {  // snake_case
        if (i) out.put('_');
        write_part(out, part, false, false);
      } else if (style < 60) {  // dotted.path
        if (i) out.put('.');
        write_part(out, part, false, false);
      } else if (style < 85) {  // camelCase
        write_part(out, part, i > 0, false);
      } else if (style < 93) {  // kebab-case
        if (i) out.put('-');
        write_part(out, part, false, false);
      } else {  // SCREAMING_CASE
        if (i) out.put('_');
        write_part(out, part, false, true);
      }
    }
    if (rng.below(10) == 0) {
      char digits[4];
      auto [end, ec] = std::to_chars(digits, digits + sizeof digits, rng.below(100));
      (void)ec;
      out.put(spaces ? ' ' : '_');
      out.write(std::string_view(digits, static_cast<std::size_t>(end - digits)));
    }
    out.put('\n');
  }
}

// Writes until the writer is full: the first N bytes are the same for every size.
void generate_identifiers(std::uint64_t /*size*/, ByteWriter& out) { generate_identifiers_with_spaces(out, 10); }

}  // namespace

MEMBENCH_DATASET(identifiers_1m, "identifiers-1MiB", "identifiers", 1ull << 20, kQuick | kStandard,
                 generate_identifiers,
                 "ac341d6ff9d30056ba3bd93b7331442d72661a7fb69e3fd62c29446c50d43d94",
                 "identifiers, one per line, 10% with spaces, 1 MiB");
MEMBENCH_DATASET(identifiers_4m, "identifiers-4MiB", "identifiers", 4ull << 20, kStandard, generate_identifiers,
                 "a2bd2cfaee9c0c7e86115bc5af4020032e94d0d07f17e73a16153891f5cd14b7",
                 "identifiers, one per line, 10% with spaces, 4 MiB");
MEMBENCH_DATASET(identifiers_16m, "identifiers-16MiB", "identifiers", 16ull << 20, kStandard, generate_identifiers,
                 "baf218583cc1b5568ab2c2c50acd0eb1af4ef5656b15f6ead97f37f85674f192",
                 "identifiers, one per line, 10% with spaces, 16 MiB");
MEMBENCH_DATASET(identifiers_64m, "identifiers-64MiB", "identifiers", 64ull << 20, kLarge, generate_identifiers,
                 "7f653784e9f85fa046b71d7b3d42f20432ef1deb279e97079b4ac890931f390c",
                 "identifiers, one per line, 10% with spaces, 64 MiB");
MEMBENCH_DATASET(identifiers_256m, "identifiers-256MiB", "identifiers", 256ull << 20, kLarge, generate_identifiers,
                 "10189c9e22c50149dcca2f3392a49d037bf8d428b72b2bcfc07447fc724dd914",
                 "identifiers, one per line, 10% with spaces, 256 MiB");
MEMBENCH_DATASET(identifiers_1g, "identifiers-1GiB", "identifiers", 1ull << 30, kLarge, generate_identifiers,
                 "3bd008eb9aa8b4aa029fabe534196671fea9d3bd6c442660bc8cea30dad5e489",
                 "identifiers, one per line, 10% with spaces, 1 GiB (opt-in)");

}  // namespace membench::datasets
