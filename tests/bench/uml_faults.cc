// uml-faults PROGRAM [ARGS...]: runs PROGRAM, waits for it, and prints the page faults
// of it and every child it waited for, for scripts/bench.sh. Inside UML each fault is
// a host round trip, so the count says what a run costs independent of how fast the
// machine is that day (docs/benchmarks.md). Static, no dependencies; prints one line:
//   uml-faults: minor=N major=N
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: uml-faults PROGRAM [ARGS...]\n");
    return 2;
  }
  pid_t child = fork();
  if (child == 0) {
    execv(argv[1], argv + 1);
    std::perror(argv[1]);
    _exit(127);
  }
  int status = 0;
  struct rusage usage {};
  if (child < 0 || wait4(child, &status, 0, &usage) != child) {
    std::perror("uml-faults");
    return 1;
  }
  std::printf("uml-faults: minor=%ld major=%ld\n", usage.ru_minflt, usage.ru_majflt);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
