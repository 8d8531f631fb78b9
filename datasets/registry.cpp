#include "datasets/dataset.h"

#include "datasets/corpus.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <vector>

#include "util/fd.h"
#include "util/sha256.h"

namespace membench::datasets {
DatasetRegistry& dataset_registry() {
  // constinit: exists before any dataset file registers (see core/registry.h).
  static constinit DatasetRegistry registry;
  return registry;
}

const DatasetDef* find_dataset(std::string_view name) { return dataset_registry().find(name); }

ByteWriter::~ByteWriter() { flush(); }

void ByteWriter::write(std::string_view s) {
  while (!s.empty() && written_ < limit_) {
    std::size_t room = sizeof buf_ - used_;
    std::uint64_t allowed = limit_ - written_;
    std::size_t n = s.size();
    if (n > room) n = room;
    if (n > allowed) n = static_cast<std::size_t>(allowed);
    std::memcpy(buf_ + used_, s.data(), n);
    used_ += n;
    written_ += n;
    s.remove_prefix(n);
    if (used_ == sizeof buf_) flush();
  }
}

void ByteWriter::flush() {
  if (used_ && std::fwrite(buf_, 1, used_, out_) != used_)
    throw std::runtime_error(std::string("cannot write dataset: ") + std::strerror(errno));
  used_ = 0;
}

std::string data_dir() {
  if (const char* env = std::getenv("MEMBENCH_DATA_DIR"); env && *env) return env;
  std::error_code ec;
  std::filesystem::path src = MEMBENCH_SOURCE_DIR;
  if (std::filesystem::is_directory(src / "datasets", ec)) return (src / "datasets" / "cache").string();
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : "/tmp") + "/.cache/membench/datasets";
}

std::string file_sha256(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
  Sha256 h;
  std::vector<char> buf(1 << 20);
  for (;;) {
    ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("cannot read " + path + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    h.update(buf.data(), static_cast<std::size_t>(n));
  }
  return to_hex(h.finish());
}

std::string materialise(const DatasetDef& def) {
  // A corpus (corpus.h) is built from files on this machine; its size is
  // known only afterwards, so its cached file is reused as it is.
  const CorpusDef* corpus = def.generate ? nullptr : find_corpus(def);
  if (!def.generate && !corpus) throw std::runtime_error(std::string("dataset ") + def.name + " has no generator");
  std::filesystem::path dir = data_dir();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create dataset directory " + dir.string() + ": " + ec.message());
  std::filesystem::path path = dir / def.name;
  struct stat st{};
  if (::stat(path.c_str(), &st) == 0 && (corpus || static_cast<std::uint64_t>(st.st_size) == def.size))
    return path.string();  // cached; verified when it was generated

  std::string tmp = path.string() + ".tmp.XXXXXX";
  UniqueFd fd(::mkstemp(tmp.data()));
  if (!fd) throw std::runtime_error("cannot create " + tmp + ": " + std::strerror(errno));
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(::fdopen(fd.release(), "wb"), &std::fclose);
  try {
    {
      ByteWriter out(file.get(), corpus ? UINT64_MAX : def.size);
      if (corpus)
        corpus->build(out);
      else
        def.generate(def.size, out);
      out.flush();
      if (!corpus && out.written() != def.size)
        throw std::runtime_error(std::string("generator of ") + def.name + " wrote " +
                                 std::to_string(out.written()) + " bytes, expected " +
                                 std::to_string(def.size));
    }
    if (std::fflush(file.get()) != 0 || ::fchmod(::fileno(file.get()), 0644) != 0)
      throw std::runtime_error("cannot write " + tmp);
    file.reset();
    if (def.sha256 && *def.sha256) {
      std::string got = file_sha256(tmp);
      if (got != def.sha256)
        throw std::runtime_error(std::string("dataset ") + def.name + " does not match its manifest checksum (got " +
                                 got + ", expected " + def.sha256 + "): the generator changed");
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0)
      throw std::runtime_error("cannot rename " + tmp + ": " + std::strerror(errno));
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
  return path.string();
}

}  // namespace membench::datasets
