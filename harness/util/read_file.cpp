#include "util/read_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "util/fd.h"

namespace membench {
namespace {

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "is a directory";
  if (S_ISFIFO(mode)) return "is a FIFO";
  if (S_ISCHR(mode)) return "is a character device";
  if (S_ISBLK(mode)) return "is a block device";
  if (S_ISSOCK(mode)) return "is a socket";
  return "is not a regular file";
}

}  // namespace

std::string describe_limit(std::uint64_t bytes) {
  if (bytes % (std::uint64_t{1} << 30) == 0) return std::to_string(bytes >> 30) + " GiB";
  if (bytes % (std::uint64_t{1} << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  if (bytes % (std::uint64_t{1} << 10) == 0) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " bytes";
}

std::string read_regular_file(const std::string& path, const std::string& what, std::uint64_t max_bytes) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer before fstat can
  // tell it is one. It changes nothing for a regular file.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (!fd) throw InputFileError(path + ": cannot open: " + std::strerror(errno));
  struct stat st{};
  if (::fstat(fd.get(), &st) != 0) throw InputFileError(path + ": cannot stat: " + std::strerror(errno));
  if (!S_ISREG(st.st_mode))
    throw InputFileError(path + ": " + kind_of(st.st_mode) + " (a " + what + " must be a regular file)");
  const std::string limit = describe_limit(max_bytes);
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes)
    throw InputFileError(path + ": " + std::to_string(st.st_size) + " bytes is larger than the " + limit +
                         " limit for a " + what);
  std::string data;
  data.reserve(static_cast<std::size_t>(st.st_size));
  // One byte beyond the cap is enough to know the file is too large.
  char buf[1 << 16];
  for (;;) {
    const std::uint64_t room = max_bytes + 1 - data.size();
    ssize_t n = ::read(fd.get(), buf, static_cast<std::size_t>(std::min<std::uint64_t>(sizeof buf, room)));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw InputFileError(path + ": cannot read: " + std::strerror(errno));
    }
    if (n == 0) break;
    data.append(buf, static_cast<std::size_t>(n));
    if (data.size() > max_bytes)
      throw InputFileError(path + ": grew beyond the " + limit + " limit for a " + what + " while being read");
  }
  return data;
}

}  // namespace membench
