// The two output sinks: one hashes the canonical output (output_digest), one
// only keeps the optimizer from deleting the work (timed runs).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/strategy.h"
#include "util/sha256.h"

namespace membench {

class HashingSink final : public OutputSink {
 public:
  void write(const void* data, std::size_t size) override {
    hasher_.update(data, size);
    bytes_ += size;
  }
  void note(const char* name, std::uint64_t value) override;
  std::string hex_digest() { return to_hex(hasher_.finish()); }
  std::uint64_t bytes() const { return bytes_; }
  // Notes are stored in a fixed array: a strategy's note() must not allocate
  // inside the counted window.
  struct Note {
    char name[48];
    std::uint64_t value;
  };
  const Note* notes() const { return notes_; }
  std::size_t note_count() const { return note_count_; }

 private:
  Sha256 hasher_;  // its EVP context is allocated here, before any window
  std::uint64_t bytes_ = 0;
  Note notes_[16]{};
  std::size_t note_count_ = 0;
};

class DiscardingSink final : public OutputSink {
 public:
  void write(const void* data, std::size_t size) override;
  std::uint64_t bytes() const { return bytes_; }

 private:
  std::uint64_t bytes_ = 0;
};

// Keeps the raw bytes of a small output (the hash workload's 32-byte digest).
class DigestCapture final : public OutputSink {
 public:
  void write(const void* data, std::size_t size) override;
  std::string hex() const;  // lowercase hex of everything written

 private:
  std::string bytes_;
};

// Runs a strategy in this process and returns (hex output digest, items):
// for tests and for `membench hash`.
std::pair<std::string, std::uint64_t> run_for_digest(const Strategy& strategy, const Input& input);

}  // namespace membench
