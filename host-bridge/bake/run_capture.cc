#include "host-bridge/bake/run_capture.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "host-bridge/guest/exec_fds.h"
#include "host-bridge/guest/exec_signals.h"
#include "host-bridge/guest/system_program.h"

namespace umla::bridge {
namespace {

// Stderr is the program's own messages, not the data it reads: kept to this much.
constexpr size_t kMaxErr = 65536;

// Reads `fd` to its end, keeping at most `max` bytes in `into` (when not null).
// Returns false as soon as there was more than `max`.
bool ReadAtMost(int fd, std::string* into, size_t max) {
  char buffer[65536];
  size_t total = 0;
  while (true) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return true;
    size_t got = static_cast<size_t>(n);
    size_t keep = got < max - total ? got : max - total;
    if (into) into->append(buffer, keep);
    total += keep;
    if (keep < got) return false;
  }
}

}  // namespace

int RunCapture(const std::vector<std::string>& argv, std::string* out, std::string* err,
               size_t max_out) {
  std::string program = FindSystemProgram(argv.at(0));
  if (program.empty()) return kCaptureNotStarted;
  // Stderr goes to a file so that the program never blocks on it while stdout is read.
  char err_name[] = "/tmp/uml-bridge-err.XXXXXX";
  int err_fd = mkostemp(err_name, O_CLOEXEC);
  if (err_fd < 0) return kCaptureCannotRun;
  unlink(err_name);
  int out_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    close(err_fd);
    return kCaptureCannotRun;
  }
  pid_t pid = fork();
  if (pid == 0) {
    // Lifted above 0-2 first: a bridge started with fd 1 closed got err_fd as 1.
    int out_to = LiftFd(out_pipe[1], 3), err_to = LiftFd(err_fd, 3);
    if (out_to < 0 || err_to < 0 || !WireFd(out_to, 1) || !WireFd(err_to, 2)) _exit(127);
    RestoreSignalsForExec();
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execv(program.c_str(), args.data());
    _exit(127);
  }
  close(out_pipe[1]);
  if (pid < 0) {
    close(out_pipe[0]);
    close(err_fd);
    return kCaptureCannotRun;
  }
  bool within = ReadAtMost(out_pipe[0], out, max_out);
  if (!within) kill(pid, SIGKILL);
  close(out_pipe[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  lseek(err_fd, 0, SEEK_SET);
  ReadAtMost(err_fd, err, kMaxErr);
  close(err_fd);
  if (!within) return kCaptureOverLimit;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

bool SafeForDebugfs(const std::string& path) {
  for (char c : path) {
    if (c <= ' ' || c == '"' || c == '\\' || c == 127) return false;
  }
  return !path.empty();
}

}  // namespace umla::bridge
