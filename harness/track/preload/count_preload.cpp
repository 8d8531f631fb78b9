// libmembench_count.so: the allocation counter of alloc_interpose.cpp,
// preloaded into a command of a command case (LD_PRELOAD). It counts every
// malloc-family request of each process image that loads it, from its first
// request on, into a slot of the counts file named by MEMBENCH_COUNT_FILE
// (track/count_slots.h): the file is mapped shared, so a slot holds its
// process's totals however the process ends (exit, _exit, exec, a signal).
//
// - A process that loads the library claims a slot (origin `loaded`).
// - A fork claims one for the child, which counts its own requests from zero.
// - exec marks the slot `exec_called` with the program named; the new image,
//   if it loads the library, claims a slot of its own. A vfork child (whose
//   memory is its parent's) and posix_spawn leave a marker slot naming the
//   pid and program instead, so the runner can tell an image that never
//   loaded the library (statically linked, or its environment dropped
//   LD_PRELOAD) from one that did.
// - exit() runs the destructor: the slot becomes `exited`.
// docs/command-cases.md describes what the runner makes of the slots.
//
// Built from the same counter as the membench executable's (not linked into
// membench itself: there the interposer must live in the executable).
// It links only libc: a C program must not load libstdc++ (and its start-up
// allocations) because it is counted.
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "track/alloc_counter.h"
#include "track/count_slots.h"

namespace cf = membench::track::count_file;

namespace {

void* counts_file = nullptr;  // the whole file, mapped shared
cf::Slot* own_slot = nullptr;  // this process image's

void copy_text(char* to, std::size_t size, const char* from) {
  if (!from) from = "";
  std::size_t n = strnlen(from, size - 1);
  memcpy(to, from, n);
  to[n] = '\0';
}

void map_counts_file() {
  const char* path = getenv(cf::kPathVariable);
  if (!path || !*path) return;
  int fd = open(path, O_RDWR | O_CLOEXEC);
  if (fd < 0) return;
  struct stat st {};
  void* base = MAP_FAILED;
  if (fstat(fd, &st) == 0 && static_cast<std::size_t>(st.st_size) >= sizeof(cf::Header))
    base = mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  if (base == MAP_FAILED) return;
  auto* header = static_cast<cf::Header*>(base);
  bool fits = memcmp(header->magic, cf::kMagic, sizeof cf::kMagic) == 0 && header->slot_bytes == sizeof(cf::Slot) &&
              cf::file_bytes(header->slot_count) <= static_cast<std::size_t>(st.st_size);
  if (!fits) {
    munmap(base, static_cast<std::size_t>(st.st_size));
    return;
  }
  counts_file = base;
}

bool loads_libstdcxx() {
  void* libstdcxx = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_NOLOAD);
  if (libstdcxx) dlclose(libstdcxx);
  return libstdcxx != nullptr;
}

// Fills a freshly claimed slot for this process image.
void describe_image(cf::Slot* slot, cf::Origin origin) {
  slot->origin = origin;
  slot->pid = getpid();
  slot->parent_pid = getppid();
  copy_text(slot->allocator, sizeof slot->allocator, membench::track::underlying_allocator());
  ssize_t n = readlink("/proc/self/exe", slot->exe, sizeof slot->exe - 1);
  slot->exe[n > 0 ? n : 0] = '\0';
}

// A marker for a process that is about to become (or has become) `program`
// without a slot of its own yet.
cf::Slot* leave_marker(pid_t pid, const char* program, cf::State state) {
  if (!counts_file) return nullptr;
  cf::Slot* slot = cf::claim(counts_file);
  if (!slot) return nullptr;
  slot->origin = cf::Origin::marker;
  slot->pid = pid;
  slot->parent_pid = getpid() == pid ? getppid() : getpid();
  copy_text(slot->target, sizeof slot->target, program);
  slot->state.store(static_cast<std::uint32_t>(state), std::memory_order_release);
  return slot;
}

void look_up_exec();

// Only async-signal-safe calls here: the parent may have other threads.
void in_fork_child() {
  cf::Slot* parent = own_slot;
  own_slot = counts_file ? cf::claim(counts_file) : nullptr;
  membench::track::after_fork_in_child(own_slot ? &own_slot->counts : nullptr);
  if (!own_slot) return;
  own_slot->origin = cf::Origin::forked;
  own_slot->pid = getpid();
  own_slot->parent_pid = getppid();
  ssize_t n = readlink("/proc/self/exe", own_slot->exe, sizeof own_slot->exe - 1);
  own_slot->exe[n > 0 ? n : 0] = '\0';
  if (parent) {
    memcpy(own_slot->allocator, parent->allocator, sizeof own_slot->allocator);
    own_slot->loads_libstdcxx = parent->loads_libstdcxx;
  }
  own_slot->state.store(static_cast<std::uint32_t>(cf::State::running), std::memory_order_release);
}

void take_slot() {
  map_counts_file();
  if (!counts_file) return;
  own_slot = cf::claim(counts_file);
  if (!own_slot) return;
  describe_image(own_slot, cf::Origin::loaded);
  own_slot->loads_libstdcxx = loads_libstdcxx() ? 1 : 0;
  membench::track::share_counts(&own_slot->counts);
  own_slot->state.store(static_cast<std::uint32_t>(cf::State::running), std::memory_order_release);
}

// Counting itself began with the process's first request, which may have
// come before the library's constructors (alloc_interpose.cpp,
// ensure_resolved). What they ask of the dynamic linker (here, and in
// gbench_hooks.cpp and gbench_memory_manager.cpp) is not the program's: the
// first of them pauses counting, the last (on_load) resumes it, unless one
// stopped it meanwhile (the Google Benchmark window counts only its loops).
__attribute__((constructor(101))) void pause_for_load() { membench::track::pause_counting(); }

__attribute__((constructor)) void on_load() {
  pthread_atfork(membench::track::before_fork, membench::track::after_fork_in_parent, in_fork_child);
  look_up_exec();
  take_slot();
  membench::track::resume_counting();
}

__attribute__((destructor)) void on_unload() {
  membench::track::stop_counting();
  if (!own_slot || own_slot->pid != getpid()) return;
  own_slot->loads_libstdcxx = loads_libstdcxx() ? 1 : 0;
  own_slot->state.store(static_cast<std::uint32_t>(cf::State::exited), std::memory_order_release);
}

// ---- exec and spawn ---------------------------------------------------------

// Announces an exec of `program`: this image's slot, or a marker when the
// caller is a vfork child (its memory, and so own_slot, is its parent's).
// Returns what undo_exec needs when the exec fails.
cf::Slot* announce_exec(const char* program) {
  pid_t self = getpid();
  if (own_slot && own_slot->pid == self) {
    copy_text(own_slot->target, sizeof own_slot->target, program);
    own_slot->state.store(static_cast<std::uint32_t>(cf::State::exec_called), std::memory_order_release);
    return own_slot;
  }
  return leave_marker(self, program, cf::State::exec_called);
}

void undo_exec(cf::Slot* slot) {
  if (!slot) return;
  auto state = slot == own_slot ? cf::State::running : cf::State::exec_failed;
  slot->state.store(static_cast<std::uint32_t>(state), std::memory_order_release);
}

// The real functions, looked up at load: a vfork child must not call dlsym
// (its parent's locks may be held).
struct RealExec {
  decltype(&::execve) execve = nullptr;
  decltype(&::execv) execv = nullptr;
  decltype(&::execvp) execvp = nullptr;
  decltype(&::execvpe) execvpe = nullptr;
  decltype(&::fexecve) fexecve = nullptr;
  decltype(&::posix_spawn) posix_spawn = nullptr;
  decltype(&::posix_spawnp) posix_spawnp = nullptr;
} real;

template <typename Fn>
void look_up(Fn& fn, const char* name) {
  if (!fn) fn = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}

void look_up_exec() {
  look_up(real.execve, "execve");
  look_up(real.execv, "execv");
  look_up(real.execvp, "execvp");
  look_up(real.execvpe, "execvpe");
  look_up(real.fexecve, "fexecve");
  look_up(real.posix_spawn, "posix_spawn");
  look_up(real.posix_spawnp, "posix_spawnp");
}

// Runs the real exec function; comes back only when it failed.
template <typename Exec>
int exec_announced(const char* program, Exec exec) {
  cf::Slot* slot = announce_exec(program);
  int rc = exec();
  int saved = errno;
  undo_exec(slot);
  errno = saved;
  return rc;
}

// The execl forms: their arguments gathered into an argv on the stack (the
// library allocates nothing of its own).
constexpr int kMaxListArguments = 1024;

struct ListArguments {
  char* argv[kMaxListArguments + 1];

  // Reads `ap` through the list's closing null, so that execle's environment
  // comes next. False, with errno E2BIG, when the list does not fit: cut
  // short, the command would run with other arguments than it was given.
  bool gather(const char* first, va_list& ap) {
    int n = 0;
    bool fits = true;
    for (const char* a = first; a; a = va_arg(ap, const char*)) {
      if (n < kMaxListArguments) argv[n++] = const_cast<char*>(a);
      else fits = false;
    }
    argv[n] = nullptr;
    if (!fits) errno = E2BIG;
    return fits;
  }
};

}  // namespace

extern "C" {

int execve(const char* path, char* const argv[], char* const envp[]) noexcept {
  look_up(real.execve, "execve");
  return exec_announced(path, [&] { return real.execve(path, argv, envp); });
}

int execv(const char* path, char* const argv[]) noexcept {
  look_up(real.execv, "execv");
  return exec_announced(path, [&] { return real.execv(path, argv); });
}

int execvp(const char* file, char* const argv[]) noexcept {
  look_up(real.execvp, "execvp");
  return exec_announced(file, [&] { return real.execvp(file, argv); });
}

int execvpe(const char* file, char* const argv[], char* const envp[]) noexcept {
  look_up(real.execvpe, "execvpe");
  return exec_announced(file, [&] { return real.execvpe(file, argv, envp); });
}

int fexecve(int fd, char* const argv[], char* const envp[]) noexcept {
  look_up(real.fexecve, "fexecve");
  return exec_announced(argv[0] ? argv[0] : "(fexecve)", [&] { return real.fexecve(fd, argv, envp); });
}

int execl(const char* path, const char* arg, ...) noexcept {
  ListArguments list;
  va_list ap;
  va_start(ap, arg);
  bool fits = list.gather(arg, ap);
  va_end(ap);
  return fits ? execv(path, list.argv) : -1;
}

int execlp(const char* file, const char* arg, ...) noexcept {
  ListArguments list;
  va_list ap;
  va_start(ap, arg);
  bool fits = list.gather(arg, ap);
  va_end(ap);
  return fits ? execvp(file, list.argv) : -1;
}

int execle(const char* path, const char* arg, ...) noexcept {
  ListArguments list;
  va_list ap;
  va_start(ap, arg);
  bool fits = list.gather(arg, ap);
  char* const* envp = va_arg(ap, char* const*);
  va_end(ap);
  return fits ? execve(path, list.argv, envp) : -1;
}

int posix_spawn(pid_t* pid, const char* path, const posix_spawn_file_actions_t* actions,
                const posix_spawnattr_t* attr, char* const argv[], char* const envp[]) {
  look_up(real.posix_spawn, "posix_spawn");
  pid_t child = 0;
  int rc = real.posix_spawn(&child, path, actions, attr, argv, envp);
  if (rc == 0) leave_marker(child, path, cf::State::spawned);
  if (pid) *pid = child;
  return rc;
}

int posix_spawnp(pid_t* pid, const char* file, const posix_spawn_file_actions_t* actions,
                 const posix_spawnattr_t* attr, char* const argv[], char* const envp[]) {
  look_up(real.posix_spawnp, "posix_spawnp");
  pid_t child = 0;
  int rc = real.posix_spawnp(&child, file, actions, attr, argv, envp);
  if (rc == 0) leave_marker(child, file, cf::State::spawned);
  if (pid) *pid = child;
  return rc;
}

}  // extern "C"
