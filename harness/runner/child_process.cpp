#include "runner/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

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

ChildOutcome run_child(const ChildSpec& spec) {
  // Everything the child needs is built before fork: after fork only
  // async-signal-safe calls are allowed.
  std::vector<char*> argv;
  for (const std::string& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<std::string> env_storage;
  for (char** e = environ; *e; ++e) {
    std::string entry = *e;
    bool replaced = false;
    for (const std::string& set : spec.env_set)
      if (entry.compare(0, set.find('=') + 1, set, 0, set.find('=') + 1) == 0) replaced = true;
    if (!replaced) env_storage.push_back(entry);
  }
  for (const std::string& set : spec.env_set) env_storage.push_back(set);
  std::vector<char*> envp;
  for (std::string& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);

  Pipe result = make_pipe();
  Pipe ack = make_pipe();
  Pipe err = make_pipe();
  rlimit data_limit{static_cast<rlim_t>(spec.memory_limit), static_cast<rlim_t>(spec.memory_limit)};
  rlimit no_core{0, 0};

  auto t0 = Clock::now();
  pid_t runner_pid = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    // If the runner dies without stopping us (kill -9), the kernel ends the
    // case too, instead of leaving it running (a hung case would run forever).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != runner_pid) ::_exit(127);  // it died before prctl
    ::setpgid(0, 0);  // its own group: a timeout kills the strategy's helpers too
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGPIPE, SIG_DFL);
    ::dup2(result.write.get(), kResultFd);
    ::dup2(ack.read.get(), kAckFd);
    ::dup2(err.write.get(), 2);
    int devnull = ::open("/dev/null", O_RDWR);
    if (devnull >= 0) {
      ::dup2(devnull, 0);
      ::dup2(devnull, 1);
    }
    ::syscall(SYS_close_range, kAckFd + 1, ~0U, 0);
    ::setrlimit(RLIMIT_CORE, &no_core);
    if (spec.memory_limit) ::setrlimit(RLIMIT_DATA, &data_limit);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also from here, so the group exists before we may kill it
  result.write.reset();
  ack.read.reset();
  err.write.reset();

  ChildOutcome out;
  track::ProcStatusReader status_reader(pid);
  std::string pending;  // partial result line
  bool result_open = true, err_open = true;
  double next_sample = 0;
  bool killed_for_timeout = false;

  auto kill_group = [&] { ::kill(-pid, SIGKILL); ::kill(pid, SIGKILL); };

  while (result_open || err_open) {
    if (int sig = pending_interrupt()) {
      kill_group();
      reap(pid, nullptr);
      throw Interrupted{sig};
    }
    double now = ms_since(t0);
    if (spec.timeout_seconds > 0 && now > spec.timeout_seconds * 1000) {
      killed_for_timeout = true;
      kill_group();
      break;
    }
    if (spec.sample_memory && out.report.saw_start && !out.report.saw_end && now >= next_sample) {
      track::ProcMemory m;
      if (status_reader.read(m)) out.window_samples.push_back({now, m});
      next_sample = now + spec.sample_interval_ms;
    }
    int wait_ms = 100;
    if (spec.sample_memory && out.report.saw_start && !out.report.saw_end)
      wait_ms = std::max(0, static_cast<int>(next_sample - ms_since(t0)));
    if (spec.timeout_seconds > 0) {
      double left = spec.timeout_seconds * 1000 - ms_since(t0);
      wait_ms = std::min(wait_ms, std::max(0, static_cast<int>(left) + 1));
    }
    pollfd fds[2] = {{result_open ? result.read.get() : -1, POLLIN, 0},
                     {err_open ? err.read.get() : -1, POLLIN, 0}};
    int rc = ::poll(fds, 2, wait_ms);
    if (rc < 0 && errno != EINTR) throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    if (rc <= 0) continue;
    if (fds[0].revents) {
      char buf[8192];
      ssize_t n = ::read(result.read.get(), buf, sizeof buf);
      if (n <= 0) {
        result_open = false;
      } else {
        pending.append(buf, static_cast<std::size_t>(n));
        std::size_t nl;
        while ((nl = pending.find('\n')) != std::string::npos) {
          std::string line = pending.substr(0, nl);
          pending.erase(0, nl + 1);
          bool was_done = out.report.done;
          out.report.add_line(line);
          if (!was_done && out.report.done && spec.wait_for_ack) {
            track::ProcMemory m;
            if (status_reader.read(m)) out.final_status = m;
            ack.write.reset();  // lets the child exit
          }
        }
        if (pending.size() > 65536) {  // a line that never ends is garbage
          out.report.add_line("\x01garbage");
          pending.clear();
        }
      }
    }
    if (fds[1].revents) {
      char buf[4096];
      ssize_t n = ::read(err.read.get(), buf, sizeof buf);
      if (n <= 0) {
        err_open = false;
      } else {
        out.stderr_tail.append(buf, static_cast<std::size_t>(n));
        if (out.stderr_tail.size() > 4096) out.stderr_tail.erase(0, out.stderr_tail.size() - 4096);
      }
    }
  }
  if (!pending.empty()) out.report.add_line(pending);
  ack.write.reset();
  // The pipes are closed; the child is exiting or dead. Bound the wait anyway.
  int status = 0;
  for (;;) {
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) break;
    if (spec.timeout_seconds > 0 && ms_since(t0) > spec.timeout_seconds * 1000 + 2000) {
      killed_for_timeout = true;
      kill_group();
      status = reap(pid, nullptr);
      break;
    }
    if (int sig = pending_interrupt()) {
      kill_group();
      reap(pid, nullptr);
      throw Interrupted{sig};
    }
    ::usleep(1000);
  }
  out.wall_seconds = ms_since(t0) / 1000;
  if (killed_for_timeout) {
    out.end = ChildOutcome::End::timed_out;
  } else if (WIFSIGNALED(status)) {
    out.end = ChildOutcome::End::signaled;
    out.signal = WTERMSIG(status);
  } else {
    out.end = ChildOutcome::End::exited;
    out.exit_code = WEXITSTATUS(status);
  }
  // Helpers the strategy may have forked are in the child's group.
  ::kill(-pid, SIGKILL);
  return out;
}

}  // namespace membench::runner
