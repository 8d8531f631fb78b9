#include "util/shell.h"

#include <chrono>
#include <cstdio>
#include <memory>

namespace membench {

std::string shell_quote(const std::string& text) {
  std::string q = "'";
  for (char c : text) {
    if (c == '\'') q += "'\\''";
    else q += c;
  }
  q += '\'';
  return q;
}

std::string shell_capture(const std::string& command, int* status, double* seconds) {
  auto t0 = std::chrono::steady_clock::now();
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  int rc = -1;
  if (pipe) {
    char buf[8192];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
    rc = ::pclose(pipe);
  }
  if (status) *status = rc;
  if (seconds) *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace membench
