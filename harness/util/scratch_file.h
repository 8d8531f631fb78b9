// A path in the temporary directory for one run's output file, removed with
// this object (the file need not exist yet; a stale one is removed first).
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <string_view>

namespace membench {

class ScratchFile {
 public:
  // "membench-STEM.PID.SERIAL": unique in this process and across processes.
  explicit ScratchFile(std::string_view stem) {
    static std::atomic<unsigned> serial{0};
    path_ = (std::filesystem::temp_directory_path() /
             ("membench-" + std::string(stem) + "." + std::to_string(::getpid()) + "." + std::to_string(++serial)))
                .string();
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  ~ScratchFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace membench
