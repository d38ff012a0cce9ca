#include "host-bridge/bake/run_capture.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

namespace umla::bridge {

int RunCapture(const std::vector<std::string>& argv, std::string* out, std::string* err) {
  char out_name[] = "/tmp/uml-bridge-out.XXXXXX";
  char err_name[] = "/tmp/uml-bridge-err.XXXXXX";
  int out_fd = mkstemp(out_name), err_fd = mkstemp(err_name);
  unlink(out_name);
  unlink(err_name);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  auto slurp = [](int fd, std::string* into) {
    lseek(fd, 0, SEEK_SET);
    char buffer[65536];
    ssize_t n;
    while ((n = read(fd, buffer, sizeof buffer)) > 0) {
      if (into) into->append(buffer, static_cast<size_t>(n));
    }
    close(fd);
  };
  slurp(out_fd, out);
  slurp(err_fd, err);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

bool SafeForDebugfs(const std::string& path) {
  for (char c : path) {
    if (c <= ' ' || c == '"' || c == '\\' || c == 127) return false;
  }
  return !path.empty();
}

}  // namespace umla::bridge
