// Whether this code is built with AddressSanitizer (make test-sanitize).
// ASan's runtime must come first in every process, so nothing can be
// preloaded into a case (another allocator, heaptrack), and the allocation
// counter is compiled out.
#pragma once

namespace membench {

constexpr bool sanitizer_build() {
#if defined(__SANITIZE_ADDRESS__)
  return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  return true;
#else
  return false;
#endif
#else
  return false;
#endif
}

}  // namespace membench
