#include "runner/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "runner/realtime.h"
#include "util/fd.h"

extern char** environ;

namespace membench::runner {
namespace {

volatile sig_atomic_t interrupt_signal = 0;

void on_interrupt(int sig) { interrupt_signal = sig; }

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

struct Pipe {
  UniqueFd read, write;
};

Pipe make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// Reaps the child, blocking; retries on EINTR.
int reap(pid_t pid, rusage* ru) {
  int status = 0;
  while (::wait4(pid, &status, 0, ru) < 0 && errno == EINTR) {
  }
  return status;
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa{};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: poll() must wake up
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
}

int pending_interrupt() { return interrupt_signal; }

std::string self_executable() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) throw std::runtime_error("cannot resolve /proc/self/exe");
  return std::string(buf, static_cast<std::size_t>(n));
}

std::string describe_signal(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  const char* text = sigdescr_np(sig);
  std::string s = abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
  if (text) s += std::string(" (") + text + ")";
  return s;
}

namespace {

// argv and envp for execve, built before fork: after fork only
// async-signal-safe calls are allowed.
class ExecArguments {
 public:
  explicit ExecArguments(const ChildSpec& spec) {
    for (const std::string& a : spec.argv) argv_.push_back(const_cast<char*>(a.c_str()));
    argv_.push_back(nullptr);
    for (char** e = environ; *e; ++e) {
      std::string entry = *e;
      bool replaced = false;
      for (const std::string& set : spec.env_set)
        if (entry.compare(0, set.find('=') + 1, set, 0, set.find('=') + 1) == 0) replaced = true;
      if (!replaced) env_storage_.push_back(entry);
    }
    for (const std::string& set : spec.env_set) env_storage_.push_back(set);
    for (std::string& e : env_storage_) envp_.push_back(e.data());
    envp_.push_back(nullptr);
  }
  char* const* argv() const { return argv_.data(); }
  char* const* envp() const { return envp_.data(); }

 private:
  std::vector<std::string> env_storage_;
  std::vector<char*> argv_, envp_;
};

struct ChildPipes {
  Pipe result = make_pipe();  // the child's results (kResultFd)
  Pipe ack = make_pipe();     // closed by the runner when it has read the final status (kAckFd)
  Pipe err = make_pipe();     // the child's stderr
  Pipe out;                   // the child's stdout, when spec.on_stdout reads it
  UniqueFd in;                // the child's stdin, when spec.stdin_path names it

  explicit ChildPipes(const ChildSpec& spec) {
    if (spec.on_stdout && spec.on_result) out = make_pipe();  // only watch_command reads it
    if (!spec.stdin_path.empty()) {
      in.reset(::open(spec.stdin_path.c_str(), O_RDONLY | O_CLOEXEC));
      if (!in) throw std::runtime_error(spec.stdin_path + ": " + std::strerror(errno));
    }
  }
};

// A started child in a process group of its own. Until reaped, the
// destructor kills the group and reaps it, so no path out of the runner
// (an exception, an interrupt) leaves a case running.
class RunningChild {
 public:
  RunningChild(pid_t pid, Clock::time_point started) : pid_(pid), started_(started) {}
  RunningChild(const RunningChild&) = delete;
  RunningChild& operator=(const RunningChild&) = delete;
  ~RunningChild() {
    if (reaped_) return;
    kill_group();
    reap(pid_, nullptr);
  }
  pid_t pid() const { return pid_; }
  double elapsed_ms() const { return ms_since(started_); }
  void kill_group() const {
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
  }
  // Stops the child and throws Interrupted if SIGINT/SIGTERM arrived.
  void check_interrupt() {
    if (int sig = pending_interrupt()) {
      kill_group();
      reap(pid_, nullptr);
      reaped_ = true;
      throw Interrupted{sig};
    }
  }
  void mark_reaped() { reaped_ = true; }

 private:
  pid_t pid_;
  Clock::time_point started_;
  bool reaped_ = false;
};

// In the child, between fork and exec: its descriptors, group and limits.
[[noreturn]] void exec_child(const ChildSpec& spec, const ExecArguments& args, const ChildPipes& pipes,
                             pid_t runner_pid) {
  // If the runner dies without stopping us (kill -9), the kernel ends the
  // case too, instead of leaving it running (a hung case would run forever).
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != runner_pid) ::_exit(127);  // it died before prctl
  ::setpgid(0, 0);  // its own group: a timeout kills the strategy's helpers too
  ::signal(SIGINT, SIG_DFL);
  ::signal(SIGTERM, SIG_DFL);
  ::signal(SIGPIPE, SIG_DFL);
  ::dup2(pipes.result.write.get(), kResultFd);
  ::dup2(pipes.ack.read.get(), kAckFd);
  ::dup2(pipes.err.write.get(), 2);
  int devnull = ::open("/dev/null", O_RDWR);
  if (devnull >= 0) {
    ::dup2(devnull, 0);
    ::dup2(devnull, 1);
  }
  if (pipes.in) ::dup2(pipes.in.get(), 0);
  if (pipes.out.write) ::dup2(pipes.out.write.get(), 1);
  ::syscall(SYS_close_range, kAckFd + 1, ~0U, 0);
  rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);
  if (spec.realtime_priority > 0 && enter_realtime(spec.realtime_priority) != 0) {
    // Checked before (check_realtime); a child measured at another priority
    // than its report says would be worse than none.
    static const char why[] = "membench: the child could not enter real-time priority\n";
    [[maybe_unused]] ssize_t n = ::write(2, why, sizeof why - 1);
    ::_exit(127);
  }
  if (spec.memory_limit) {
    rlimit data_limit{static_cast<rlim_t>(spec.memory_limit), static_cast<rlim_t>(spec.memory_limit)};
    ::setrlimit(RLIMIT_DATA, &data_limit);
  }
  ::execve(args.argv()[0], args.argv(), args.envp());
  ::_exit(127);
}

// Splits the result stream into lines for the report; `on_done` runs when
// the "done" marker arrives.
class ResultLines {
 public:
  template <class OnDone>
  void feed(const char* data, std::size_t size, ChildReport& report, OnDone&& on_done) {
    pending_.append(data, size);
    std::size_t nl;
    while ((nl = pending_.find('\n')) != std::string::npos) {
      bool was_done = report.done;
      report.add_line(std::string_view(pending_).substr(0, nl));
      pending_.erase(0, nl + 1);
      if (!was_done && report.done) on_done();
    }
    if (pending_.size() > 65536) {  // a line that never ends is garbage
      report.add_line("\x01garbage");
      pending_.clear();
    }
  }
  void finish(ChildReport& report) {
    if (!pending_.empty()) report.add_line(pending_);
  }

 private:
  std::string pending_;  // a partial line
};

void append_stderr(std::string& tail, const char* data, std::size_t size) {
  tail.append(data, size);
  if (tail.size() > 4096) tail.erase(0, tail.size() - 4096);
}

// Reads the child's results and stderr until both close, sampling its memory
// in the strategy's window; returns false when the timeout ended it.
bool watch(RunningChild& child, const ChildSpec& spec, ChildPipes& pipes, ChildOutcome& out) {
  track::ProcStatusReader status_reader(child.pid());
  ResultLines lines;
  bool result_open = true, err_open = true;
  double next_sample = 0;
  auto in_window = [&] { return spec.sample_memory && out.report.saw_start && !out.report.saw_end; };
  while (result_open || err_open) {
    child.check_interrupt();
    double now = child.elapsed_ms();
    if (spec.timeout_seconds > 0 && now > spec.timeout_seconds * 1000) return false;
    if (in_window() && now >= next_sample) {
      track::ProcMemory m;
      if (status_reader.read(m)) out.window_samples.push_back({now, m});
      next_sample = now + spec.sample_interval_ms;
    }
    int wait_ms = in_window() ? std::max(0, static_cast<int>(next_sample - child.elapsed_ms())) : 100;
    if (spec.timeout_seconds > 0)
      wait_ms = std::min(wait_ms, std::max(0, static_cast<int>(spec.timeout_seconds * 1000 - child.elapsed_ms()) + 1));
    pollfd fds[2] = {{result_open ? pipes.result.read.get() : -1, POLLIN, 0},
                     {err_open ? pipes.err.read.get() : -1, POLLIN, 0}};
    int rc = ::poll(fds, 2, wait_ms);
    if (rc < 0 && errno != EINTR) throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    if (rc <= 0) continue;
    char buf[8192];
    if (fds[0].revents) {
      ssize_t n = ::read(pipes.result.read.get(), buf, sizeof buf);
      if (n <= 0) result_open = false;
      else
        lines.feed(buf, static_cast<std::size_t>(n), out.report, [&] {
          if (!spec.wait_for_ack) return;
          track::ProcMemory m;
          if (status_reader.read(m)) out.final_status = m;
          pipes.ack.write.reset();  // lets the child exit
        });
    }
    if (fds[1].revents) {
      ssize_t n = ::read(pipes.err.read.get(), buf, sizeof buf);
      if (n <= 0) err_open = false;
      else append_stderr(out.stderr_tail, buf, static_cast<std::size_t>(n));
    }
  }
  lines.finish(out.report);
  return true;
}

// Reads what one pipe has now into `sink`; false at its end.
bool read_some(int fd, const std::function<void(std::string_view)>& sink) {
  char buf[65536];
  ssize_t n = ::read(fd, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (n <= 0) return false;
  sink(std::string_view(buf, static_cast<std::size_t>(n)));
  return true;
}

// A command case's child (spec.on_result set): hands its result bytes and
// stdout over unparsed, ticks every sample interval for its whole life, and
// ends as soon as it has exited (a helper it left holding a pipe is killed
// with its group). Returns false when the timeout ended it.
bool watch_command(RunningChild& child, const ChildSpec& spec, ChildPipes& pipes, ChildOutcome& out) {
  UniqueFd exited(static_cast<int>(::syscall(SYS_pidfd_open, child.pid(), 0)));
  bool result_open = true, err_open = true, out_open = static_cast<bool>(pipes.out.read);
  auto keep_stderr = [&](std::string_view b) { append_stderr(out.stderr_tail, b.data(), b.size()); };
  double next_tick = 0;
  while (result_open || err_open || out_open) {
    child.check_interrupt();
    double now = child.elapsed_ms();
    if (spec.timeout_seconds > 0 && now > spec.timeout_seconds * 1000) return false;
    if (spec.on_tick && now >= next_tick) {
      spec.on_tick(now);
      next_tick = now + spec.sample_interval_ms;
    }
    int wait_ms = spec.on_tick ? std::max(0, static_cast<int>(next_tick - child.elapsed_ms())) : 100;
    if (spec.timeout_seconds > 0)
      wait_ms = std::min(wait_ms, std::max(0, static_cast<int>(spec.timeout_seconds * 1000 - child.elapsed_ms()) + 1));
    pollfd fds[4] = {{result_open ? pipes.result.read.get() : -1, POLLIN, 0},
                     {err_open ? pipes.err.read.get() : -1, POLLIN, 0},
                     {out_open ? pipes.out.read.get() : -1, POLLIN, 0},
                     {exited.get(), POLLIN, 0}};
    int rc = ::poll(fds, 4, wait_ms);
    if (rc < 0 && errno != EINTR) throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    if (rc <= 0) continue;
    if (fds[3].revents) {
      // Exited: what its pipes still hold is at most a pipe's capacity each.
      for (const Pipe* p : {&pipes.result, &pipes.err, &pipes.out})
        if (p->read) ::fcntl(p->read.get(), F_SETFL, O_NONBLOCK);
      for (int i = 0; i < 64 && result_open && read_some(pipes.result.read.get(), spec.on_result); ++i) {
      }
      for (int i = 0; i < 64 && out_open && read_some(pipes.out.read.get(), spec.on_stdout); ++i) {
      }
      for (int i = 0; i < 4 && err_open && read_some(pipes.err.read.get(), keep_stderr); ++i) {
      }
      return true;
    }
    if (fds[0].revents) result_open = read_some(pipes.result.read.get(), spec.on_result);
    if (fds[1].revents) err_open = read_some(pipes.err.read.get(), keep_stderr);
    if (fds[2].revents) out_open = read_some(pipes.out.read.get(), spec.on_stdout);
  }
  return true;
}

// Waits for the child whose pipes have closed (it is exiting or dead), for
// at most the timeout plus 2 s; returns its wait status, or nullopt when it
// had to be killed for the timeout.
std::optional<int> reap_exited(RunningChild& child, const ChildSpec& spec) {
  int status = 0;
  for (;;) {
    pid_t r = ::waitpid(child.pid(), &status, WNOHANG);
    if (r == child.pid() || (r < 0 && errno != EINTR)) break;
    if (spec.timeout_seconds > 0 && child.elapsed_ms() > spec.timeout_seconds * 1000 + 2000) {
      child.kill_group();
      reap(child.pid(), nullptr);
      child.mark_reaped();
      return std::nullopt;
    }
    child.check_interrupt();
    ::usleep(1000);
  }
  child.mark_reaped();
  return status;
}

void record_end(ChildOutcome& out, std::optional<int> status) {
  if (!status) {
    out.end = ChildOutcome::End::timed_out;
  } else if (WIFSIGNALED(*status)) {
    out.end = ChildOutcome::End::signaled;
    out.signal = WTERMSIG(*status);
  } else {
    out.end = ChildOutcome::End::exited;
    out.exit_code = WEXITSTATUS(*status);
  }
}

}  // namespace

ChildOutcome run_child(const ChildSpec& spec) {
  ExecArguments args(spec);
  ChildPipes pipes(spec);
  auto started = Clock::now();
  pid_t runner_pid = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) exec_child(spec, args, pipes, runner_pid);
  RunningChild child(pid, started);
  ::setpgid(pid, pid);  // also from here, so the group exists before we may kill it
  if (spec.on_start) spec.on_start(pid);
  pipes.result.write.reset();
  pipes.ack.read.reset();
  pipes.err.write.reset();
  pipes.out.write.reset();
  pipes.in.reset();

  ChildOutcome out;
  std::optional<int> status;
  if (spec.on_result ? watch_command(child, spec, pipes, out) : watch(child, spec, pipes, out)) {
    pipes.ack.write.reset();
    status = reap_exited(child, spec);
  } else {
    child.kill_group();
    reap(pid, nullptr);
    child.mark_reaped();
  }
  out.wall_seconds = child.elapsed_ms() / 1000;
  record_end(out, status);
  // Helpers the strategy may have forked are in the child's group.
  ::kill(-pid, SIGKILL);
  return out;
}

}  // namespace membench::runner
