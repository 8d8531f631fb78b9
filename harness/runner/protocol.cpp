#include "runner/protocol.h"

#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace membench::runner {

void ResultWriter::emit(const char* buf, std::size_t len) {
  while (len > 0) {
    ssize_t n = ::write(fd_, buf, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the runner is gone; nothing to do
    buf += n;
    len -= static_cast<std::size_t>(n);
  }
}

void ResultWriter::line(const char* key) {
  char buf[128];
  int n = std::snprintf(buf, sizeof buf, "%s\n", key);
  emit(buf, static_cast<std::size_t>(n));
}

void ResultWriter::line(const char* key, std::uint64_t value) {
  char buf[128];
  int n = std::snprintf(buf, sizeof buf, "%s %" PRIu64 "\n", key, value);
  emit(buf, static_cast<std::size_t>(n));
}

void ResultWriter::line(const char* key, double value) {
  char buf[128];
  int n = std::snprintf(buf, sizeof buf, "%s %.17g\n", key, value);
  emit(buf, static_cast<std::size_t>(n));
}

void ResultWriter::line(const char* key, const char* text) {
  char buf[1024];
  int n = std::snprintf(buf, sizeof buf - 1, "%s %s", key, text);
  std::size_t len = n < 0 ? 0 : static_cast<std::size_t>(n);
  if (len > sizeof buf - 2) len = sizeof buf - 2;
  for (std::size_t i = 0; i < len; ++i)
    if (buf[i] == '\n' || buf[i] == '\r') buf[i] = ' ';
  buf[len++] = '\n';
  emit(buf, len);
}

namespace {
// Shows unprintable bytes as \xNN so an error message is one readable line.
std::string printable(std::string_view raw) {
  std::string out;
  for (unsigned char c : raw.substr(0, 80)) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

bool valid_key(std::string_view k) {
  if (k.empty() || k.size() > 64) return false;
  for (char c : k)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) return false;
  return true;
}
}  // namespace

void ChildReport::add_line(std::string_view line) {
  std::size_t sp = line.find(' ');
  std::string_view key = line.substr(0, sp);
  std::string_view value = sp == std::string_view::npos ? std::string_view{} : line.substr(sp + 1);
  if (!valid_key(key)) {
    if (malformed.empty()) malformed = printable(line);
    return;
  }
  if (key == "start") saw_start = true;
  else if (key == "end") saw_end = true;
  else if (key == "done") done = true;
  else if (key == "rep") repeated.emplace_back(value);
  else if (key == "note") {
    std::size_t s2 = value.find(' ');
    std::string name(value.substr(0, s2));
    std::string num = s2 == std::string_view::npos ? "" : std::string(value.substr(s2 + 1));
    char* end = nullptr;
    unsigned long long v = std::strtoull(num.c_str(), &end, 10);
    if (!valid_key(name) || num.empty() || *end != '\0') {
      if (malformed.empty()) malformed = printable(line);
      return;
    }
    notes.emplace_back(name, v);
  } else {
    values[std::string(key)] = std::string(value);
  }
}

std::optional<std::uint64_t> ChildReport::u64(std::string_view key) const {
  auto it = values.find(key);
  if (it == values.end() || it->second.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(it->second.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE || it->second[0] == '-') return std::nullopt;
  return v;
}

std::optional<std::string> ChildReport::text(std::string_view key) const {
  auto it = values.find(key);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

}  // namespace membench::runner
