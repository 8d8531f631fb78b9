#include "runner/count_slots.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "runner/command_case.h"
#include "track/count_slots.h"

namespace membench::runner {
namespace {

namespace cf = track::count_file;
namespace fs = std::filesystem;

// Enough for any command tree measured so far; a tree with more processes
// is told as missing the rest, never summed without them.
constexpr std::uint32_t kSlotCount = 16384;

std::string text(const char* field, std::size_t size) { return std::string(field, ::strnlen(field, size)); }

// The file an exec'd name runs: as the shell would find it on PATH.
std::string resolve(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  for (std::size_t start = 0; start <= dirs.size();) {
    std::size_t colon = dirs.find(':', start);
    std::string dir = dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return name;
}

std::string why_uncounted(const std::string& program) {
  if (auto why = static_binary_reason(resolve(program))) return *why;
  return "it never loaded the counting library (its environment lost LD_PRELOAD or " +
         std::string(cf::kPathVariable) + ", or it is set-user-ID)";
}

// Still there after its tree ended (it left the process group): its totals
// may still grow. The pid alone could be a stranger's by now, so the
// executable must match too.
bool still_running(const cf::Slot& s) {
  if (s.pid <= 0 || ::kill(s.pid, 0) != 0) return false;
  char exe[sizeof s.exe] = {};
  std::string link = "/proc/" + std::to_string(s.pid) + "/exe";
  ssize_t n = ::readlink(link.c_str(), exe, sizeof exe - 1);
  return n > 0 && text(exe, sizeof exe) == text(s.exe, sizeof s.exe);
}

cf::State state_of(const cf::Slot& s) { return static_cast<cf::State>(s.state.load(std::memory_order_acquire)); }

bool is_image(const cf::Slot& s) {
  return (s.origin == cf::Origin::loaded || s.origin == cf::Origin::forked) && state_of(s) != cf::State::unused;
}

// An image that loaded the library with `pid`: after slot `from` (an exec)
// or anywhere but `from` (a spawn, whose parent may write its marker late).
bool loaded_later(const cf::Slot* slots, std::uint32_t n, int pid, std::uint32_t from, bool any_order) {
  for (std::uint32_t i = any_order ? 0 : from + 1; i < n; ++i)
    if (i != from && slots[i].origin == cf::Origin::loaded && slots[i].pid == pid && is_image(slots[i])) return true;
  return false;
}

CountedProcess counted(const cf::Slot& s) {
  CountedProcess p;
  p.pid = s.pid;
  p.parent_pid = s.parent_pid;
  p.exe = text(s.exe, sizeof s.exe);
  cf::State state = state_of(s);
  p.end = state == cf::State::exited ? "exit" : state == cf::State::exec_called ? "exec" : "no_exit";
  if (state == cf::State::exec_called) p.target = text(s.target, sizeof s.target);
  p.allocator = text(s.allocator, sizeof s.allocator);
  p.loads_libstdcxx = s.loads_libstdcxx != 0;
  p.totals = cf::totals_of(s.counts);
  return p;
}

}  // namespace

CountsFile::CountsFile() {
  std::string pattern = (fs::temp_directory_path() / "membench-counts.XXXXXX").string();
  fd_.reset(::mkostemp(pattern.data(), O_CLOEXEC));
  if (!fd_) throw std::runtime_error("cannot create the counts file: " + std::string(std::strerror(errno)));
  path_ = pattern;
  cf::Header header{};
  std::memcpy(header.magic, cf::kMagic, sizeof header.magic);
  header.slot_count = kSlotCount;
  header.slot_bytes = sizeof(cf::Slot);
  // Sparse: only the slots processes take are ever written.
  if (::ftruncate(fd_.get(), static_cast<off_t>(cf::file_bytes(kSlotCount))) != 0 ||
      ::pwrite(fd_.get(), &header, sizeof header, 0) != static_cast<ssize_t>(sizeof header))
    throw std::runtime_error("cannot write the counts file " + path_ + ": " + std::strerror(errno));
}

CountsFile::~CountsFile() {
  if (!path_.empty()) ::unlink(path_.c_str());
}

TreeCounts CountsFile::read(int command_pid, const std::string& program) const {
  TreeCounts tree;
  std::size_t bytes = cf::file_bytes(kSlotCount);
  void* base = ::mmap(nullptr, bytes, PROT_READ, MAP_SHARED, fd_.get(), 0);
  if (base == MAP_FAILED) {
    tree.missing.push_back({command_pid, program, "the counts file could not be read back: " +
                                                      std::string(std::strerror(errno))});
    return tree;
  }
  Mapping mapping(base, bytes);
  const auto* header = static_cast<const cf::Header*>(base);
  std::uint32_t claimed = header->claimed.load(std::memory_order_acquire);
  std::uint32_t n = std::min(claimed, kSlotCount);
  const cf::Slot* slots = cf::slot_at(base, 0);
  bool command_counted = false;
  for (std::uint32_t i = 0; i < n; ++i) {
    const cf::Slot& s = slots[i];
    cf::State state = state_of(s);
    std::string target = text(s.target, sizeof s.target);
    if (state == cf::State::unused) {
      tree.missing.push_back({s.pid, "", "it ended while taking its slot in the counts file"});
      continue;
    }
    if (state == cf::State::exec_called && !loaded_later(slots, n, s.pid, i, false))
      tree.missing.push_back({s.pid, target, "exec'd, not counted: " + why_uncounted(target)});
    if (state == cf::State::spawned && !loaded_later(slots, n, s.pid, i, true))
      tree.missing.push_back({s.pid, target, "spawned, not counted: " + why_uncounted(target)});
    if (!is_image(s)) continue;
    if (s.pid == command_pid && s.origin == cf::Origin::loaded) command_counted = true;
    if (state == cf::State::running && still_running(s))
      tree.missing.push_back({s.pid, text(s.exe, sizeof s.exe),
                              "still running after the command ended (it left the process group): its totals "
                              "were still growing"});
    tree.processes.push_back(counted(s));
  }
  if (claimed > kSlotCount)
    tree.missing.push_back({0, "", std::to_string(claimed - kSlotCount) + " processes found the counts file full (" +
                                       std::to_string(kSlotCount) + " slots)"});
  if (command_pid > 0 && !command_counted)
    tree.missing.insert(tree.missing.begin(), {command_pid, program, why_uncounted(program)});
  return tree;
}

}  // namespace membench::runner
