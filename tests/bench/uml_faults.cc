// uml-faults PROGRAM [ARGS...]: runs PROGRAM, waits for it, and prints the page faults
// of it and every child it waited for, and the syscalls they all made, for
// scripts/bench.sh. Inside UML each fault and each syscall is a host round trip, so
// the counts say what a run costs independent of how fast the machine is that day
// (docs/benchmarks.md). Static, no dependencies; prints one line:
//   uml-faults: minor=N major=N syscalls=N
// The syscalls are counted under ptrace (every task PROGRAM starts is followed; the
// count includes the execve and a signal mask change before it), which adds no page
// faults to the run but slows it: the run is for counting, not timing.
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace {

// Runs every traced task to its end (until no task is left to wait for), counting
// syscall entries (each syscall stops a task twice, at entry and exit;
// PTRACE_O_TRACESYSGOOD marks those stops). Returns the count; `status` gets the
// first task's exit status, `usage` its rusage (children included, as for wait4 of a
// process that waited for its children).
long CountSyscalls(pid_t first, int* status, rusage* usage) {
  long entries = 0;
  static bool in_syscall[1 << 16];  // by pid (a guest's pids stay small); exit has no stop
  while (true) {
    int got = 0;
    rusage each{};
    pid_t pid = wait4(-1, &got, __WALL, &each);
    if (pid < 0 && errno == EINTR) continue;
    if (pid < 0) break;  // ECHILD: every task is gone
    bool& inside = in_syscall[pid & 0xffff];
    if (WIFEXITED(got) || WIFSIGNALED(got)) {
      inside = false;
      if (pid == first) {
        *status = got;
        *usage = each;
      }
      continue;
    }
    int signal = WSTOPSIG(got), event = got >> 16;
    int deliver = 0;
    if (signal == (SIGTRAP | 0x80)) {
      if (!inside) ++entries;
      inside = !inside;
    } else if (event == 0 && signal != SIGSTOP && signal != SIGTRAP) {
      deliver = signal;  // the program's own signals go on; a new task's SIGSTOP does not
    }
    ptrace(PTRACE_SYSCALL, pid, nullptr, deliver);
  }
  return entries;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: uml-faults PROGRAM [ARGS...]\n");
    return 2;
  }
  pid_t child = fork();
  if (child == 0) {
    if (ptrace(PTRACE_TRACEME, 0, nullptr, nullptr) != 0) {
      std::perror("uml-faults: PTRACE_TRACEME");
      _exit(126);
    }
    raise(SIGSTOP);
    execv(argv[1], argv + 1);
    std::perror(argv[1]);
    _exit(127);
  }
  int status = 0;
  if (child < 0 || waitpid(child, &status, 0) != child || !WIFSTOPPED(status)) {
    std::fprintf(stderr, "uml-faults: %s did not start under ptrace\n", argv[1]);
    return 1;
  }
  if (ptrace(PTRACE_SETOPTIONS, child, nullptr,
             PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK |
                 PTRACE_O_TRACEVFORK | PTRACE_O_EXITKILL) != 0) {
    std::perror("uml-faults: PTRACE_SETOPTIONS");
    return 1;
  }
  ptrace(PTRACE_SYSCALL, child, nullptr, 0);
  struct rusage usage {};
  long syscalls = CountSyscalls(child, &status, &usage);
  std::printf("uml-faults: minor=%ld major=%ld syscalls=%ld\n", usage.ru_minflt, usage.ru_majflt,
              syscalls);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
