// membench-launch: runs one command for a command case and reports how it
// ended, what it used and how long it took, like /usr/bin/time.
//
//   membench-launch PROGRAM ARGV0 ARGS...   (result lines on fd 3)
//
// Why a program of its own: a forked child starts with a copy of its
// parent's page tables and its parent's VmHWM, and exec folds that VmHWM into
// the process's ru_maxrss. Forked from the runner (tens of MiB), every command
// would seem to peak at least at the runner's size. This launcher is a small
// static executable: the command is forked from it, so the floor under its
// ru_maxrss is the launcher's own few hundred KiB. It links nothing of
// membench and allocates nothing; it is not a layer.
//
// Result lines, each "key value...\n", written with one write(2) each:
//   pid N                          the command's process id, once it exists
//   exec_error ERRNO               exec failed (the command never ran)
//   exit KIND CODE WALL_NS USER_US SYS_US MAXRSS_KB MINFLT MAJFLT
//      KIND: exited or signaled; the figures come from wait4 on the command
//      (its own and those of the descendants it waited for).
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

namespace {

constexpr int kResultFd = 3;

long long now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

void emit(const char* text, int length) {
  if (length > 0) (void)!write(kResultFd, text, static_cast<size_t>(length));
}

long long micros(const timeval& tv) { return static_cast<long long>(tv.tv_sec) * 1000000LL + tv.tv_usec; }

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    const char usage[] = "usage: membench-launch PROGRAM ARGV0 [ARGS...] (result lines on fd 3)\n";
    (void)!write(2, usage, sizeof usage - 1);
    return 2;
  }
  // The exec status pipe: closed by a successful exec (O_CLOEXEC), or given
  // errno by a failed one.
  int status_pipe[2];
  if (pipe2(status_pipe, O_CLOEXEC) != 0) return 3;
  pid_t launcher = getpid();
  long long t0 = now_ns();
  pid_t pid = fork();
  if (pid < 0) return 4;
  if (pid == 0) {
    close(status_pipe[0]);
    // The runner kills the whole group on a timeout; if the launcher itself is
    // killed, the command must not outlive it.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != launcher) _exit(127);
    close(kResultFd);
    execv(argv[1], argv + 2);
    int error = errno;
    (void)!write(status_pipe[1], &error, sizeof error);
    _exit(127);
  }
  close(status_pipe[1]);
  char line[256];
  emit(line, snprintf(line, sizeof line, "pid %d\n", static_cast<int>(pid)));
  int exec_errno = 0;
  ssize_t got;
  while ((got = read(status_pipe[0], &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR) {
  }
  if (got == static_cast<ssize_t>(sizeof exec_errno))
    emit(line, snprintf(line, sizeof line, "exec_error %d\n", exec_errno));
  int status = 0;
  rusage ru{};
  while (wait4(pid, &status, 0, &ru) < 0) {
    if (errno != EINTR) return 5;
  }
  long long wall = now_ns() - t0;
  bool signaled = WIFSIGNALED(status);
  emit(line, snprintf(line, sizeof line, "exit %s %d %lld %lld %lld %ld %ld %ld\n", signaled ? "signaled" : "exited",
                      signaled ? WTERMSIG(status) : WEXITSTATUS(status), wall, micros(ru.ru_utime),
                      micros(ru.ru_stime), ru.ru_maxrss, ru.ru_minflt, ru.ru_majflt));
  return 0;
}
