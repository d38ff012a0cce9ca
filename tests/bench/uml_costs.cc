// What the basic operations cost inside a UML guest, measured by scripts/bench.sh in
// the same boots as the agent, so the report can say what floor the kernel sets: a
// syscall, a fresh page (each one a host round trip in UML), a small file write with
// fsync on the guest's ubd disk, a fork. Static, no dependencies; prints one line:
//   uml-costs: syscall_us=N page_us=N fsync_write_us=N fork_us=N
// `uml-costs --exit` does nothing at all: timed around, it is what starting any static
// program costs (exec, glibc's start-up, exit), the part of the agent's window that
// is not the agent's.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace {

double NowMicros() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return now.tv_sec * 1e6 + now.tv_nsec / 1e3;
}

template <typename Body>
double PerCall(int count, Body body) {
  double start = NowMicros();
  for (int i = 0; i < count; ++i) body();
  return (NowMicros() - start) / count;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--exit") == 0) return 0;
  const char* scratch = argc > 1 ? argv[1] : "/root/uml-costs.tmp";
  double syscall_us = PerCall(200, [] { syscall(SYS_getppid); });
  constexpr size_t kPages = 256;
  char* memory = static_cast<char*>(
      mmap(nullptr, kPages * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  size_t page = 0;
  double page_us = PerCall(kPages, [&] { memory[4096 * page++] = 1; });
  double fsync_us = PerCall(10, [scratch] {
    int fd = open(scratch, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (write(fd, "uml-costs\n", 10) < 0) return;
    fsync(fd);
    close(fd);
  });
  unlink(scratch);
  double fork_us = PerCall(10, [] {
    pid_t child = fork();
    if (child == 0) _exit(0);
    waitpid(child, nullptr, 0);
  });
  std::printf("uml-costs: syscall_us=%.0f page_us=%.0f fsync_write_us=%.0f fork_us=%.0f\n",
              syscall_us, page_us, fsync_us, fork_us);
  return 0;
}
