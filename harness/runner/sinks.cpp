#include "runner/sinks.h"

#include <benchmark/benchmark.h>

#include <cstring>

namespace membench {

void HashingSink::note(const char* name, std::uint64_t value) {
  for (std::size_t i = 0; i < note_count_; ++i)
    if (std::strcmp(notes_[i].name, name) == 0) {
      notes_[i].value = value;
      return;
    }
  if (note_count_ == std::size(notes_)) return;
  Note& n = notes_[note_count_++];
  std::strncpy(n.name, name, sizeof n.name - 1);
  n.value = value;
}

void DiscardingSink::write(const void* data, std::size_t size) {
  benchmark::DoNotOptimize(data);
  benchmark::DoNotOptimize(size);
  bytes_ += size;
  benchmark::ClobberMemory();
}

void DigestCapture::write(const void* data, std::size_t size) {
  bytes_.append(static_cast<const char*>(data), size);
}

std::string DigestCapture::hex() const { return to_hex(bytes_); }

std::pair<std::string, std::uint64_t> run_for_digest(const Strategy& strategy, const Input& input) {
  HashingSink sink;
  std::uint64_t items = strategy.run(input, strategy.params, sink);
  return {sink.hex_digest(), items};
}

}  // namespace membench
