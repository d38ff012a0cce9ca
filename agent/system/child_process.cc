#include "agent/system/child_process.h"

#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "agent/system/console_line.h"
#include "agent/system/prewarm.h"

namespace umla::agent {
namespace {

// Waits up to `timeout_ms` for the child `pid` to exit. A pidfd wakes us the moment it
// does (polling would add up to a tick of the guest's 100 Hz clock to every boot), and
// it is readable even when the child exited before the poll, so there is no waitpid
// until then: the parent's syscalls before it sleeps delay the child's first steps
// (one CPU; each ~0.1 ms inside UML). Kernels without pidfd_open get a 5 ms poll.
// Returns false on timeout.
bool AwaitChild(pid_t pid, uint64_t timeout_ms, int* status) {
  uint64_t deadline = MonotonicMicros() + timeout_ms * 1000;
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd >= 0) {
    uint64_t left_ms = timeout_ms;
    while (true) {
      struct pollfd exited = {pidfd, POLLIN, 0};
      int ready = ::poll(&exited, 1, static_cast<int>(std::min<uint64_t>(left_ms, 60000)));
      if (ready > 0) break;
      uint64_t now = MonotonicMicros();
      if (now >= deadline) {
        close(pidfd);
        return false;
      }
      left_ms = (deadline - now + 999) / 1000;
    }
    close(pidfd);
    while (waitpid(pid, status, 0) < 0 && errno == EINTR) {
    }
    return true;
  }
  while (true) {
    pid_t done = waitpid(pid, status, WNOHANG);
    if (done == pid || (done < 0 && errno != EINTR)) return true;
    if (MonotonicMicros() >= deadline) return false;
    struct timespec pause = {0, 5 * 1000 * 1000};
    nanosleep(&pause, nullptr);
  }
}

// The child's side: its own process group, `work`, then _exit (no destructors: they
// belong to the caller, whose memory a kShared child shares).
int ChildMain(void* arg) {
  const auto& work = *static_cast<const std::function<int()>*>(arg);
  setpgid(0, 0);
  int status = 1;
  try {
    status = work();
  } catch (...) {
  }
  spdlog::default_logger()->flush();  // the kmsg sink gathers lines until a flush
  _exit(status);
}

}  // namespace

ChildEnd RunInChild(const std::function<int()>& work, uint64_t timeout_ms, ChildMemory memory) {
  constexpr size_t kStackBytes = 1 << 20;  // only the pages used are ever touched
  void* stack = nullptr;
  pid_t pid;
  if (memory == ChildMemory::kShared) {
    stack = ::mmap(nullptr, kStackBytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) return {std::string("mmap: ") + std::strerror(errno), 1};
    // Mapped for the child as it starts (agent/system/prewarm.h): no fault per page of
    // the stack it is about to use.
    constexpr size_t kWarmStackBytes = 64 << 10;
    PopulateForWrite(static_cast<char*>(stack) + kStackBytes - kWarmStackBytes, kWarmStackBytes);
    pid = ::clone(ChildMain, static_cast<char*>(stack) + kStackBytes, CLONE_VM | SIGCHLD,
                  const_cast<std::function<int()>*>(&work));
  } else {
    pid = fork();
    if (pid == 0) ChildMain(const_cast<std::function<int()>*>(&work));
  }
  if (pid < 0) {
    int error = errno;
    if (stack) ::munmap(stack, kStackBytes);
    return {std::string("fork: ") + std::strerror(error), 1};
  }
  // The child makes its own process group first thing (no setpgid here as well: a
  // syscall less before it runs); a child killed before that is killed alone.
  int status = 0;
  bool exited = AwaitChild(pid, timeout_ms, &status);
  if (!exited) {
    if (kill(-pid, SIGKILL) != 0) kill(pid, SIGKILL);
    // A child stuck in the kernel (uninterruptible I/O: a hung hostfs or ubd) dies only
    // when the call returns: not waited for past a grace time, so the boot goes on (as
    // PID 1 the real init inherits it and reaps it once it dies).
    constexpr uint64_t kGraceMs = 2000;
    if (!AwaitChild(pid, kGraceMs, &status)) {
      // Its stack stays mapped: it runs no code of ours again (SIGKILL is pending).
      return {"still running after " + std::to_string(timeout_ms) +
                  " ms, and not gone " + std::to_string(kGraceMs) +
                  " ms after SIGKILL (stuck in the kernel; left behind)",
              1};
    }
  }
  if (stack) ::munmap(stack, kStackBytes);  // the child is gone: nothing runs on it
  if (!exited) return {"still running after " + std::to_string(timeout_ms) + " ms (killed)", 1};
  if (WIFSIGNALED(status)) {
    return {"killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
                strsignal(WTERMSIG(status)) + ")",
            1};
  }
  return {"", WIFEXITED(status) ? WEXITSTATUS(status) : 1};
}

}  // namespace umla::agent
