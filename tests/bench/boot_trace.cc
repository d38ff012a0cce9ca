// boot-trace: what one run of a program costs in page faults, and which of its functions
// it calls, in the order it first calls them. Run inside the guests of
// scripts/boot-order.sh, which turns the calls into agent/boot-path.order
// (docs/benchmarks.md, "Boot-path order").
//
//   boot-trace faults PROG ARGS...          run PROG; print its faults (and its children's)
//   boot-trace calls FUNCS OUT PROG ARGS... run PROG under ptrace with a breakpoint on the
//                                           first byte of every function in FUNCS (hex
//                                           addresses, one a line); write one line to OUT
//                                           the first time a function is entered: "main
//                                           ADDR" (PROG's own process) or "other ADDR" (a
//                                           process it cloned), and "clone" when it clones
//                                           (not for a vfork)
//
// Breakpoints copy the text pages they patch, so `calls` says nothing about faults: the
// two modes are separate runs.
#include <fcntl.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

long MonotonicUs() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000L + t.tv_nsec / 1000;
}

int Faults(char** argv) {
  long start = MonotonicUs();
  pid_t pid = fork();
  if (pid == 0) {
    execv(argv[0], argv);
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  if (pid < 0 || wait4(pid, &status, 0, &usage) != pid) {
    std::perror("boot-trace: run");
    return 1;
  }
  std::printf("boot-trace: minflt=%ld majflt=%ld wall_us=%ld exit=%d\n", usage.ru_minflt,
              usage.ru_majflt, MonotonicUs() - start, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return 0;
}

// A breakpoint: where, and the byte it replaced.
struct Breakpoint {
  unsigned long address;
  unsigned char original;
};

bool PokeByte(pid_t pid, unsigned long address, unsigned char byte, unsigned char* old) {
  // /proc/PID/mem writes through read-only text (the kernel copies the page).
  std::string path = "/proc/" + std::to_string(pid) + "/mem";
  int fd = open(path.c_str(), O_RDWR);
  if (fd < 0) return false;
  bool ok = (!old || pread(fd, old, 1, address) == 1) && pwrite(fd, &byte, 1, address) == 1;
  close(fd);
  return ok;
}

int Calls(const char* funcs_path, const char* out_path, char** argv) {
  std::vector<Breakpoint> points;
  FILE* funcs = std::fopen(funcs_path, "r");
  if (!funcs) {
    std::perror(funcs_path);
    return 1;
  }
  unsigned long address = 0;
  while (std::fscanf(funcs, "%lx", &address) == 1) points.push_back({address, 0});
  std::fclose(funcs);
  std::sort(points.begin(), points.end(),
            [](const Breakpoint& a, const Breakpoint& b) { return a.address < b.address; });
  points.erase(std::unique(points.begin(), points.end(),
                           [](const Breakpoint& a, const Breakpoint& b) { return a.address == b.address; }),
               points.end());
  FILE* out = std::fopen(out_path, "w");
  if (!out) {
    std::perror(out_path);
    return 1;
  }

  pid_t main_pid = fork();
  if (main_pid == 0) {
    ptrace(PTRACE_TRACEME, 0, nullptr, nullptr);
    raise(SIGSTOP);
    execv(argv[0], argv);
    _exit(127);
  }
  int status = 0;
  waitpid(main_pid, &status, 0);
  ptrace(PTRACE_SETOPTIONS, main_pid, nullptr,
         PTRACE_O_TRACEEXEC | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
             PTRACE_O_EXITKILL);
  ptrace(PTRACE_CONT, main_pid, nullptr, nullptr);
  waitpid(main_pid, &status, 0);  // the exec stop: the program's image is mapped now
  if (!WIFSTOPPED(status) || status >> 8 != (SIGTRAP | (PTRACE_EVENT_EXEC << 8))) {
    std::fprintf(stderr, "boot-trace: %s did not start\n", argv[0]);
    return 1;
  }
  for (Breakpoint& point : points) {
    if (!PokeByte(main_pid, point.address, 0xcc, &point.original)) {
      std::fprintf(stderr, "boot-trace: cannot set a breakpoint at %lx\n", point.address);
      return 1;
    }
  }

  int entered = 0, live = 1;
  ptrace(PTRACE_CONT, main_pid, nullptr, nullptr);
  while (live > 0) {
    pid_t pid = waitpid(-1, &status, __WALL);
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
      --live;
      continue;
    }
    int signal = WSTOPSIG(status), event = status >> 16;
    if (event == PTRACE_EVENT_CLONE || event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK) {
      ++live;
      // The agent's prewarming task (a vfork that only exits) is not the guarded child.
      if (event != PTRACE_EVENT_VFORK) std::fputs("clone\n", out);
    }
    if (event != 0) {
      ptrace(PTRACE_CONT, pid, nullptr, nullptr);
      continue;
    }
    if (signal == SIGTRAP) {
      user_regs_struct regs{};
      ptrace(PTRACE_GETREGS, pid, nullptr, &regs);
      auto hit = std::lower_bound(points.begin(), points.end(), regs.rip - 1,
                                  [](const Breakpoint& p, unsigned long a) { return p.address < a; });
      if (hit != points.end() && hit->address == regs.rip - 1) {
        // Put the byte back (in this process's memory: shared with CLONE_VM children) and
        // run the instruction for real.
        PokeByte(pid, hit->address, hit->original, nullptr);
        regs.rip -= 1;
        ptrace(PTRACE_SETREGS, pid, nullptr, &regs);
        std::fprintf(out, "%s %lx\n", pid == main_pid ? "main" : "other", hit->address);
        ++entered;
        ptrace(PTRACE_CONT, pid, nullptr, nullptr);
        continue;
      }
    }
    // A new task starts with SIGSTOP: swallow it; pass every other signal on.
    ptrace(PTRACE_CONT, pid, nullptr, signal == SIGSTOP ? 0 : signal);
  }
  std::fclose(out);
  std::fprintf(stderr, "boot-trace: %d of %zu functions entered\n", entered, points.size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && std::strcmp(argv[1], "faults") == 0) return Faults(argv + 2);
  if (argc >= 5 && std::strcmp(argv[1], "calls") == 0) return Calls(argv[2], argv[3], argv + 4);
  std::fprintf(stderr,
               "usage: boot-trace faults PROG ARGS...\n"
               "       boot-trace calls FUNCS OUT PROG ARGS...\n");
  return 2;
}
