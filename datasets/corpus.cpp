// The corpus registry and the header-corpus builder (see corpus.h).
#include "datasets/corpus.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace membench::datasets {
namespace {

bool is_header(const std::filesystem::path& relative) {
  if (relative.extension() == ".h") return true;
  // Extensionless files under c++/ are the standard library's headers (<vector>, ...).
  auto first = relative.begin();
  std::string name = relative.filename().string();
  return first != relative.end() && *first == "c++" && !name.empty() && name.find('.') == std::string::npos;
}

void append_file(const std::filesystem::path& path, ByteWriter& out) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) throw std::runtime_error("cannot open " + path.string() + ": " + std::strerror(errno));
  char buf[1 << 16];
  for (;;) {
    std::size_t n = std::fread(buf, 1, sizeof buf, file.get());
    out.write(std::string_view(buf, n));
    if (n < sizeof buf) break;
  }
  if (std::ferror(file.get())) throw std::runtime_error("cannot read " + path.string());
}

}  // namespace

CorpusRegistry& corpus_registry() {
  // constinit: exists before any corpus file registers (see core/registry.h).
  static constinit CorpusRegistry registry;
  return registry;
}

const CorpusDef* find_corpus(const DatasetDef& def) {
  return corpus_registry().find_if([&](const CorpusDef& c) { return c.dataset == &def; });
}

void build_header_corpus(const std::filesystem::path& root, ByteWriter& out, std::uint64_t max_bytes) {
  namespace fs = std::filesystem;
  struct Header {
    std::string relative;
    std::uintmax_t size;
  };
  std::vector<Header> files;  // sorted bytewise by path below
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end;
  if (ec) throw std::runtime_error("cannot list " + root.string() + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) throw std::runtime_error("cannot list " + root.string() + ": " + ec.message());
    if (it->is_symlink(ec) || !it->is_regular_file(ec)) continue;
    fs::path relative = it->path().lexically_relative(root);
    if (!is_header(relative)) continue;
    const std::uintmax_t size = it->file_size(ec);
    if (ec) throw std::runtime_error("cannot stat " + it->path().string() + ": " + ec.message());
    files.push_back({relative.string(), size});
  }
  std::sort(files.begin(), files.end(), [](const Header& a, const Header& b) { return a.relative < b.relative; });
  std::uint64_t total = 0;
  for (const Header& file : files) {
    if (file.size > max_bytes - total) break;
    total += file.size;
    append_file(root / file.relative, out);
  }
}

}  // namespace membench::datasets
