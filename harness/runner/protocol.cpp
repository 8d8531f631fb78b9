#include "runner/protocol.h"

#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <algorithm>
#include <cmath>
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

void ResultWriter::marker(const char* key) {
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

namespace protocol_detail {

const char* prefixed(char (&buf)[96], const char* prefix, const char* key) {
  if (!prefix) return key;
  std::snprintf(buf, sizeof buf, "%s.%s", prefix, key);
  return buf;
}

namespace {
void append(char* buf, std::size_t size, std::size_t& used, const char* format, auto value) {
  if (used >= size) return;
  int n = std::snprintf(buf + used, size - used, format, used == 0 ? "" : " ", value);
  if (n > 0) used = std::min(size - 1, used + static_cast<std::size_t>(n));
}
}  // namespace

void append_value(char* buf, std::size_t size, std::size_t& used, std::uint64_t v) {
  append(buf, size, used, "%s%" PRIu64, v);
}
void append_value(char* buf, std::size_t size, std::size_t& used, double v) { append(buf, size, used, "%s%.17g", v); }
void append_value(char* buf, std::size_t size, std::size_t& used, const std::string& v) {
  append(buf, size, used, "%s%s", v.c_str());
}

bool parse(std::string_view text, std::uint64_t& out) {
  if (text.empty() || text.size() > 20) return false;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
    if (v > (UINT64_MAX - digit) / 10) return false;
    v = v * 10 + digit;
  }
  out = v;
  return true;
}

bool parse(std::string_view text, double& out) {
  if (text.empty() || text.size() > 64) return false;
  char buf[72];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(buf, &end);
  if (*end != '\0' || errno == ERANGE || !std::isfinite(v)) return false;
  out = v;
  return true;
}

bool parse(std::string_view text, std::string& out) {
  out = std::string(text);
  return true;
}

void fail(std::string_view what, std::string_view key, std::string_view value) {
  std::string message(what);
  message += " result '";
  message += key;
  if (!value.empty()) {
    message += ' ';
    message += value.substr(0, 80);
  }
  message += "' from the case process";
  throw ProtocolError(message);
}

}  // namespace protocol_detail

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
  else {
    values[std::string(key)] = std::string(value);
    lines.emplace_back(key, value);
  }
}

std::optional<std::string_view> ChildReport::find(std::string_view key) const {
  auto it = values.find(key);
  if (it == values.end()) return std::nullopt;
  return std::string_view(it->second);
}

}  // namespace membench::runner
