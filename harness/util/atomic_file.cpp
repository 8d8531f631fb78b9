#include "util/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "util/fd.h"

namespace membench {

void write_file_atomically(const std::string& path, std::string_view contents) {
  std::string tmp = path + ".tmp.XXXXXX";
  UniqueFd fd(::mkstemp(tmp.data()));
  if (!fd) throw std::runtime_error("cannot create " + tmp + ": " + std::strerror(errno));
  auto fail = [&](const char* what) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw std::runtime_error(std::string(what) + " " + path + ": " + std::strerror(err));
  };
  const char* p = contents.data();
  std::size_t left = contents.size();
  while (left > 0) {
    ssize_t n = ::write(fd.get(), p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write");
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fchmod(fd.get(), 0644) != 0 || ::fsync(fd.get()) != 0) fail("cannot write");
  fd.reset();
  if (::rename(tmp.c_str(), path.c_str()) != 0) fail("cannot replace");
}

}  // namespace membench
