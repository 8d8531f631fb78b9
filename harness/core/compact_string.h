// compact_string: a 24-byte string that keeps up to 23 bytes inline, in the
// spirit of Rust's compact_str (the guide's "Compact String").
//
// Why it is written here: no library packaged for Debian gives this layout.
// libstdc++'s std::string is 32 bytes with 15 inline, boost::container::string
// is 24 bytes with 22 inline, and the 24/23 strings (folly's fbstring,
// compact_str) are not packaged. One more inline byte matters for map keys:
// identifiers of exactly 23 bytes are common and would otherwise each cost a
// heap block.
//
// Layout (little-endian, as on every target membench builds for):
//   inline: bytes[0..23) hold the characters, bytes[23] holds 23 - size, so a
//           23-byte string ends in a 0 byte that doubles as its terminator;
//   heap:   { char* data; size_t size; size_t capacity | kHeapTag }, the tag
//           being the top byte of the capacity word, i.e. bytes[23] == 0xFF.
// Heap blocks hold capacity + 1 bytes (the terminator). Capacity is limited
// to 2^56 - 1, far beyond any real string.
#pragma once

#include <algorithm>
#include <bit>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace membench {

class compact_string {
 public:
  static constexpr std::size_t inline_capacity = 23;

  compact_string() noexcept { set_inline_size(0); }
  // Explicit, as std::string's constructor from a string_view is: a copy
  // should be visible in the code.
  explicit compact_string(std::string_view s) { init(s.data(), s.size()); }
  compact_string(const char* s) : compact_string(std::string_view(s)) {}  // NOLINT: like std::string
  compact_string(const char* s, std::size_t n) { init(s, n); }

  compact_string(const compact_string& other) { init(other.data(), other.size()); }
  compact_string(compact_string&& other) noexcept {
    std::memcpy(bytes_, other.bytes_, sizeof bytes_);
    other.set_inline_size(0);
  }
  compact_string& operator=(const compact_string& other) {
    if (this != &other) assign(other.view());
    return *this;
  }
  compact_string& operator=(compact_string&& other) noexcept {
    if (this != &other) {
      release();
      std::memcpy(bytes_, other.bytes_, sizeof bytes_);
      other.set_inline_size(0);
    }
    return *this;
  }
  compact_string& operator=(std::string_view s) { return assign(s); }
  ~compact_string() { release(); }

  bool is_inline() const noexcept { return tag() != kHeapTag; }
  std::size_t size() const noexcept { return is_inline() ? inline_capacity - tag() : heap().size; }
  std::size_t length() const noexcept { return size(); }
  bool empty() const noexcept { return size() == 0; }
  std::size_t capacity() const noexcept { return is_inline() ? inline_capacity : heap().capacity & kCapacityMask; }
  const char* data() const noexcept { return is_inline() ? bytes_ : heap().data; }
  char* data() noexcept { return is_inline() ? bytes_ : heap().data; }
  const char* c_str() const noexcept { return data(); }
  std::string_view view() const noexcept { return {data(), size()}; }
  operator std::string_view() const noexcept { return view(); }  // NOLINT: borrowing is the point

  const char* begin() const noexcept { return data(); }
  const char* end() const noexcept { return data() + size(); }
  char operator[](std::size_t i) const noexcept { return data()[i]; }
  char& operator[](std::size_t i) noexcept { return data()[i]; }

  compact_string& assign(std::string_view s) {
    // s may point into *this: copy before releasing anything.
    if (s.size() <= capacity()) {
      char* d = data();
      std::memmove(d, s.data(), s.size());
      set_size(s.size());
      return *this;
    }
    compact_string fresh(s);
    return *this = std::move(fresh);
  }

  compact_string& append(std::string_view s) {
    std::size_t old_size = size();
    if (s.size() > capacity() - old_size) {
      // s may point into *this, whose bytes move when it grows.
      const char* old_data = data();
      bool aliases = std::less_equal<>()(old_data, s.data()) && std::less<>()(s.data(), old_data + old_size);
      std::size_t offset = aliases ? static_cast<std::size_t>(s.data() - old_data) : 0;
      grow(old_size + s.size());
      if (aliases) s = std::string_view(data() + offset, s.size());
    }
    std::memcpy(data() + old_size, s.data(), s.size());
    set_size(old_size + s.size());
    return *this;
  }
  compact_string& append(std::size_t count, char c) {
    std::size_t old_size = size();
    if (count > capacity() - old_size) grow(old_size + count);
    std::memset(data() + old_size, c, count);
    set_size(old_size + count);
    return *this;
  }
  compact_string& operator+=(std::string_view s) { return append(s); }
  compact_string& operator+=(char c) { return append(1, c); }
  void push_back(char c) { append(1, c); }

  void clear() noexcept { set_size(0); }
  void reserve(std::size_t n) {
    if (n > capacity()) grow_exact(n);
  }
  void swap(compact_string& other) noexcept {
    char tmp[sizeof bytes_];
    std::memcpy(tmp, bytes_, sizeof bytes_);
    std::memcpy(bytes_, other.bytes_, sizeof bytes_);
    std::memcpy(other.bytes_, tmp, sizeof bytes_);
  }

  friend bool operator==(const compact_string& a, const compact_string& b) noexcept { return a.view() == b.view(); }
  friend bool operator==(const compact_string& a, std::string_view b) noexcept { return a.view() == b; }
  friend bool operator==(const compact_string& a, const char* b) noexcept { return a.view() == b; }
  friend std::strong_ordering operator<=>(const compact_string& a, const compact_string& b) noexcept {
    return a.view() <=> b.view();
  }
  friend std::strong_ordering operator<=>(const compact_string& a, std::string_view b) noexcept {
    return a.view() <=> b;
  }
  friend std::strong_ordering operator<=>(const compact_string& a, const char* b) noexcept {
    return a.view() <=> std::string_view(b);
  }

 private:
  static constexpr unsigned char kHeapTag = 0xFF;
  static constexpr std::size_t kCapacityMask = (std::size_t{1} << 56) - 1;
  static constexpr std::size_t kHeapTagWord = std::size_t{kHeapTag} << 56;

  struct HeapParts {
    char* data;
    std::size_t size;
    std::size_t capacity;  // top byte is kHeapTag
  };
  static_assert(sizeof(HeapParts) == 24);
  static_assert(std::endian::native == std::endian::little, "the tag byte is the top byte of the capacity");

  unsigned char tag() const noexcept { return static_cast<unsigned char>(bytes_[inline_capacity]); }
  // The heap fields are read and written through memcpy: bytes_ is the one
  // object here, so no union member is ever read after another was written.
  HeapParts heap() const noexcept {
    HeapParts h;
    std::memcpy(&h, bytes_, sizeof h);
    return h;
  }
  void set_heap(char* data, std::size_t size, std::size_t capacity) noexcept {
    HeapParts h{data, size, capacity | kHeapTagWord};
    std::memcpy(bytes_, &h, sizeof h);
  }
  void set_inline_size(std::size_t n) noexcept {
    bytes_[n] = '\0';  // when n == 23 this is the tag byte itself, also 0
    bytes_[inline_capacity] = static_cast<char>(inline_capacity - n);
  }
  void set_size(std::size_t n) noexcept {
    if (is_inline()) {
      set_inline_size(n);
    } else {
      HeapParts h = heap();
      h.data[n] = '\0';
      std::memcpy(bytes_ + offsetof(HeapParts, size), &n, sizeof n);
    }
  }

  static char* allocate(std::size_t capacity) {
    if (capacity > kCapacityMask - 1) throw std::length_error("compact_string too long");
    return std::allocator<char>().allocate(capacity + 1);
  }
  static void deallocate(char* p, std::size_t capacity) noexcept { std::allocator<char>().deallocate(p, capacity + 1); }

  void init(const char* s, std::size_t n) {
    if (n <= inline_capacity) {
      std::memcpy(bytes_, s, n);
      set_inline_size(n);
    } else {
      char* p = allocate(n);
      std::memcpy(p, s, n);
      p[n] = '\0';
      set_heap(p, n, n);
    }
  }
  void release() noexcept {
    if (!is_inline()) {
      HeapParts h = heap();
      deallocate(h.data, h.capacity & kCapacityMask);
    }
  }
  // Geometric growth, as std::string does, so repeated appends are amortised O(1).
  void grow(std::size_t needed) { grow_exact(std::max(needed, 2 * capacity())); }
  void grow_exact(std::size_t new_capacity) {
    std::size_t n = size();
    char* p = allocate(new_capacity);
    std::memcpy(p, data(), n);
    p[n] = '\0';
    release();
    set_heap(p, n, new_capacity);
  }

  alignas(8) char bytes_[24];
};

static_assert(sizeof(compact_string) == 24);

inline void swap(compact_string& a, compact_string& b) noexcept { a.swap(b); }

}  // namespace membench

template <>
struct std::hash<membench::compact_string> {
  std::size_t operator()(const membench::compact_string& s) const noexcept {
    return std::hash<std::string_view>{}(s.view());
  }
};
