// SHA-256 through OpenSSL's EVP interface (uses SHA-NI where the CPU has it).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace membench {

using Digest = std::array<std::uint8_t, 32>;

class Sha256 {
 public:
  Sha256();  // allocates the EVP context: create it outside any counted window
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, std::size_t size);
  Digest finish();  // also resets for reuse

 private:
  evp_md_ctx_st* ctx_;
};

std::string to_hex(const Digest& digest);
std::string to_hex(std::string_view bytes);  // lower-case, two digits a byte
Digest sha256_of(std::string_view data);

}  // namespace membench
