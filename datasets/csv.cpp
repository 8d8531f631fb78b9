// "csv": comma-separated rows, as a data export would hold them. Most rows
// (97%) have 1-8 fields; a tail of 3% has 20-200 (wide rows that overflow any
// small inline buffer). Fields mix integers, decimals, dates, codes, words
// and empty values; no field contains a comma, quote or newline. Every row
// ends with '\n' (the last one may be cut by the size limit). Memory O(1).
#include <charconv>
#include <string_view>

#include "datasets/dataset.h"

namespace membench::datasets {
namespace {

std::string_view lowercase_word(Rng& rng, char* buf) {
  static constexpr char letters[] = "etaoinshrdlcumwfgypbvkjxqz";
  std::size_t len = 3 + rng.below(10);
  for (std::size_t i = 0; i < len; ++i) {
    double u = rng.unit();
    buf[i] = letters[static_cast<std::size_t>(u * u * 26)];
  }
  return {buf, len};
}

void write_number(ByteWriter& out, std::uint64_t v, int min_digits = 1) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, v);
  (void)ec;
  for (int pad = min_digits - static_cast<int>(end - digits); pad > 0; --pad) out.put('0');
  out.write(std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

void write_field(Rng& rng, ByteWriter& out) {
  char buf[16];
  std::uint64_t kind = rng.below(100);
  if (kind < 5) return;  // empty
  if (kind < 35) {       // integer
    write_number(out, rng.below(rng.below(2) ? 100 : 1000000));
  } else if (kind < 55) {  // decimal amount
    write_number(out, rng.below(100000));
    out.put('.');
    write_number(out, rng.below(100), 2);
  } else if (kind < 65) {  // ISO date
    write_number(out, 2000 + rng.below(25));
    out.put('-');
    write_number(out, 1 + rng.below(12), 2);
    out.put('-');
    write_number(out, 1 + rng.below(28), 2);
  } else if (kind < 75) {  // code such as "QX-4821"
    out.put(static_cast<char>('A' + rng.below(26)));
    out.put(static_cast<char>('A' + rng.below(26)));
    out.put('-');
    write_number(out, rng.below(10000), 4);
  } else {  // one or two words
    out.write(lowercase_word(rng, buf));
    if (rng.below(3) == 0) {
      out.put(' ');
      out.write(lowercase_word(rng, buf));
    }
  }
}

std::uint64_t field_count(Rng& rng) {
  std::uint64_t u = rng.below(100);
  if (u < 5) return 1;
  if (u < 97) return 2 + rng.below(7);  // 2..8
  return 20 + rng.below(181);           // 20..200
}

// Writes until the writer is full: the first N bytes are the same for every size.
void generate_csv(std::uint64_t /*size*/, ByteWriter& out) {
  Rng rng(0x6373762d726f7773ull);  // "csv-rows"
  while (!out.full()) {
    std::uint64_t fields = field_count(rng);
    for (std::uint64_t i = 0; i < fields; ++i) {
      if (i) out.put(',');
      write_field(rng, out);
    }
    out.put('\n');
  }
}

}  // namespace

MEMBENCH_DATASET(csv_1m, "csv-1MiB", "csv", 1ull << 20, kQuick | kStandard, generate_csv,
                 "437861e8588a9b45b7b875f5fc76d1f490948663d812779e5fb5851d42a29f23",
                 "CSV-like rows, 1-8 fields with a 20-200 field tail, 1 MiB");
MEMBENCH_DATASET(csv_4m, "csv-4MiB", "csv", 4ull << 20, kStandard, generate_csv,
                 "ca40c740b210584ef3125217be7347622165838f5152f1bda0a4f6e2729f0f54",
                 "CSV-like rows, 1-8 fields with a 20-200 field tail, 4 MiB");
MEMBENCH_DATASET(csv_16m, "csv-16MiB", "csv", 16ull << 20, kStandard, generate_csv,
                 "6f256e8c4c017cb3fc73b87e305b76491d04b1a499bf239e28fb36e6c36dcb33",
                 "CSV-like rows, 1-8 fields with a 20-200 field tail, 16 MiB");
MEMBENCH_DATASET(csv_64m, "csv-64MiB", "csv", 64ull << 20, kLarge, generate_csv,
                 "4d91eb37d597f2377a5ff9f5dbd5d761d377e47a03a6fc3b2ebf84b775d165ed",
                 "CSV-like rows, 1-8 fields with a 20-200 field tail, 64 MiB");
MEMBENCH_DATASET(csv_256m, "csv-256MiB", "csv", 256ull << 20, kLarge, generate_csv,
                 "e2653f2aa18fdc26aea8585537313ea52f4b1e73b0c21a5c1cf0b6366157ba3f",
                 "CSV-like rows, 1-8 fields with a 20-200 field tail, 256 MiB");
MEMBENCH_DATASET(csv_1g, "csv-1GiB", "csv", 1ull << 30, kLarge, generate_csv,
                 "9525752a33218de832a51440d3d3552580383bc0c819508434e89fe077440efe",
                 "CSV-like rows, 1-8 fields with a 20-200 field tail, 1 GiB (opt-in)");

}  // namespace membench::datasets
