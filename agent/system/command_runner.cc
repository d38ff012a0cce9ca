#include "agent/system/command_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "agent/system/console_line.h"

extern char** environ;

namespace umla::agent {

Result<int> RunCommandWithTimeout(const std::vector<std::string>& argv, uint64_t timeout_ms) {
  if (argv.empty() || argv[0].empty() || argv[0][0] != '/') {
    return Status::Error("command: expected an absolute program path");
  }
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) return Status::FromErrno("fork for " + argv[0], errno);
  if (pid == 0) {
    setpgid(0, 0);
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0) dup2(null, 0);
    execve(args[0], args.data(), environ);
    _exit(127);
  }
  setpgid(pid, pid);  // also here: no race with the kill below
  uint64_t deadline = MonotonicMicros() + timeout_ms * 1000;
  while (true) {
    int status = 0;
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      if (WIFEXITED(status)) {
        if (WEXITSTATUS(status) == 127) return Status::Error(argv[0] + ": could not be run");
        return WEXITSTATUS(status);
      }
      return 128 + WTERMSIG(status);
    }
    if (done < 0 && errno != EINTR) return Status::FromErrno("waitpid for " + argv[0], errno);
    if (MonotonicMicros() >= deadline) {
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      return Status::Error(argv[0] + ": still running after " + std::to_string(timeout_ms) +
                           " ms (killed)");
    }
    struct timespec pause = {0, 10 * 1000 * 1000};
    nanosleep(&pause, nullptr);
  }
}

}  // namespace umla::agent
