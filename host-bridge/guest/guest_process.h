// A UML kernel process the bridge started: its own session and process group (so it
// can be stopped as a whole, by its own ids), a pidfd to notice its exit in poll(),
// and optionally a pipe carrying its main console (con0 = its stdout/stderr).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/status.h"

namespace umla::bridge {

struct LaunchSpec {
  std::string kernel;
  std::vector<std::string> args;   // without argv[0]
  int agent_fd = -1;               // becomes fd `agent_fd_number` in the kernel
  int agent_fd_number = 3;
  bool console_to_pipe = true;     // else: stdout/stderr to console_file (or /dev/null)
  std::string console_file;        // used when !console_to_pipe; empty = /dev/null
};

class GuestProcess {
 public:
  GuestProcess() = default;
  ~GuestProcess();
  GuestProcess(GuestProcess&& other) noexcept;
  GuestProcess& operator=(GuestProcess&&) = delete;
  GuestProcess(const GuestProcess&) = delete;

  // Checks that the kernel exists and is executable (a clear error otherwise),
  // then forks and execs it. An exec failure in the child is reported here.
  static Result<GuestProcess> Start(const LaunchSpec& spec);

  pid_t pid() const { return pid_; }
  int pidfd() const { return pidfd_; }
  int console_fd() const { return console_fd_; }  // -1 unless console_to_pipe
  void CloseConsole();

  // Non-blocking: true once the kernel has exited (and was reaped).
  bool Exited();
  int exit_status() const { return status_; }  // raw wait status
  std::string DescribeExit() const;

  // Halts through mconsole (when `mconsole_socket` is known), then SIGTERM, then
  // SIGKILL to the guest's process group, waiting a little after each.
  void Stop(const std::string& mconsole_socket);
  // Forget the process without stopping it (--detach).
  void Release();

 private:
  bool WaitExit(int timeout_ms);
  pid_t pid_ = -1;
  int pidfd_ = -1;
  int console_fd_ = -1;
  int status_ = 0;
  bool reaped_ = false;
};

}  // namespace umla::bridge
