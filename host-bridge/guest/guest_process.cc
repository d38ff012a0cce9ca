#include "host-bridge/guest/guest_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "host-bridge/guest/exec_fds.h"
#include "host-bridge/guest/exec_signals.h"
#include "host-bridge/guest/mconsole.h"

namespace umla::bridge {
namespace {

int PidfdOpen(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

// "linux" -> "/usr/bin/linux" through PATH, as a shell would; paths are kept.
std::string ResolveExecutable(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  std::string dirs = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t begin = 0;
  while (begin <= dirs.size()) {
    size_t end = dirs.find(':', begin);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate = (end == begin ? "." : dirs.substr(begin, end - begin)) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    begin = end + 1;
  }
  return name;
}

[[noreturn]] void ChildFail(int report_fd, int err) {
  ssize_t ignored = ::write(report_fd, &err, sizeof err);
  (void)ignored;
  ::_exit(127);
}

void ClosePipe(int pipe_fds[2]) {
  for (int i = 0; i < 2; ++i) {
    if (pipe_fds[i] >= 0) ::close(pipe_fds[i]);
  }
}

}  // namespace

// A kernel neither reaped nor released does not outlive its owner (an error path of
// the caller's, or of Start itself): killed, with its group, and reaped.
GuestProcess::~GuestProcess() {
  if (pid_ > 0 && !reaped_) {
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);  // in case it died before its setsid()
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  if (pidfd_ >= 0) ::close(pidfd_);
  CloseConsole();
}

GuestProcess::GuestProcess(GuestProcess&& other) noexcept
    : pid_(other.pid_), pidfd_(other.pidfd_), console_fd_(other.console_fd_),
      status_(other.status_), reaped_(other.reaped_) {
  other.pid_ = -1;
  other.pidfd_ = -1;
  other.console_fd_ = -1;
}

void GuestProcess::CloseConsole() {
  if (console_fd_ >= 0) ::close(console_fd_);
  console_fd_ = -1;
}

Result<GuestProcess> GuestProcess::Start(const LaunchSpec& spec) {
  std::string kernel = ResolveExecutable(spec.kernel);
  struct stat st;
  if (::stat(kernel.c_str(), &st) != 0) return Status::FromErrno("kernel " + kernel, errno);
  if (!S_ISREG(st.st_mode) || ::access(kernel.c_str(), X_OK) != 0) {
    return Status::Error("kernel " + kernel + ": not an executable file");
  }
  int console[2] = {-1, -1};
  if (spec.console_to_pipe && ::pipe2(console, O_CLOEXEC) != 0) {
    return Status::FromErrno("console pipe", errno);
  }
  int report[2] = {-1, -1};
  if (::pipe2(report, O_CLOEXEC) != 0) {
    int err = errno;
    ClosePipe(console);
    return Status::FromErrno("exec report pipe", err);
  }

  std::vector<std::string> argv_storage;
  argv_storage.push_back(kernel);
  argv_storage.insert(argv_storage.end(), spec.args.begin(), spec.args.end());
  std::vector<char*> argv;
  for (auto& arg : argv_storage) argv.push_back(arg.data());
  argv.push_back(nullptr);

  pid_t pid = ::fork();
  if (pid < 0) {
    int err = errno;
    ClosePipe(console);
    ClosePipe(report);
    return Status::FromErrno("fork", err);
  }
  if (pid == 0) {
    ::setsid();  // own session and process group: stoppable as a whole
    int floor = spec.agent_fd_number > 2 ? spec.agent_fd_number + 1 : 3;
    int report_fd = LiftFd(report[1], floor);
    int out = -1;
    if (spec.console_to_pipe) {
      out = console[1];
    } else {
      const char* path = spec.console_file.empty() ? "/dev/null" : spec.console_file.c_str();
      out = ::open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      if (out < 0) ChildFail(report_fd, errno);
    }
    out = LiftFd(out, floor);
    int agent = LiftFd(spec.agent_fd, floor);
    if (out < 0 || (spec.agent_fd >= 0 && agent < 0)) ChildFail(report_fd, errno);
    // The console is shown, never typed into: UML puts a terminal on its stdin in raw
    // mode (Ctrl-C would go to the guest instead of stopping the run, the bridge's
    // lines would lose their carriage returns, a kill would leave the shell raw). A
    // login is for another console (con1=pts, say).
    int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd < 0 || !WireFd(null_fd, 0)) ChildFail(report_fd, errno);
    if (!WireFd(out, 1) || !WireFd(out, 2)) ChildFail(report_fd, errno);
    if (agent >= 0 && !WireFd(agent, spec.agent_fd_number)) ChildFail(report_fd, errno);
    RestoreSignalsForExec();
    ::execv(kernel.c_str(), argv.data());
    ChildFail(report_fd, errno);
  }
  ::close(report[1]);
  if (spec.console_to_pipe) ::close(console[1]);
  int child_errno = 0;
  ssize_t got = ::read(report[0], &child_errno, sizeof child_errno);
  ::close(report[0]);
  GuestProcess process;
  process.pid_ = pid;
  process.console_fd_ = spec.console_to_pipe ? console[0] : -1;
  if (got == static_cast<ssize_t>(sizeof child_errno)) {
    ::waitpid(pid, nullptr, 0);
    process.reaped_ = true;
    return Status::FromErrno("exec " + kernel, child_errno);
  }
  process.pidfd_ = PidfdOpen(pid);
  if (process.pidfd_ < 0) {
    return Status::FromErrno("pidfd_open", errno);  // ~GuestProcess stops the kernel
  }
  return process;
}

bool GuestProcess::Exited() {
  if (reaped_) return true;
  if (pid_ < 0) return true;
  int status = 0;
  pid_t got = ::waitpid(pid_, &status, WNOHANG);
  if (got == pid_) {
    status_ = status;
    reaped_ = true;
    // Helper processes UML left behind in the guest's group go with it.
    ::kill(-pid_, SIGKILL);
  }
  return reaped_;
}

std::string GuestProcess::DescribeExit() const {
  if (WIFEXITED(status_)) return "exited with status " + std::to_string(WEXITSTATUS(status_));
  if (WIFSIGNALED(status_)) return std::string("killed by ") + ::strsignal(WTERMSIG(status_));
  return "exited";
}

bool GuestProcess::WaitExit(int timeout_ms) {
  for (int waited = 0; waited <= timeout_ms; waited += 20) {
    if (Exited()) return true;
    struct pollfd pfd = {pidfd_, POLLIN, 0};
    ::poll(&pfd, pidfd_ >= 0 ? 1 : 0, 20);
  }
  return Exited();
}

void GuestProcess::Stop(const std::string& mconsole_socket) {
  if (Exited()) return;
  if (!mconsole_socket.empty() && MconsoleCommand(mconsole_socket, "halt", 1000).ok() &&
      WaitExit(3000)) {
    return;
  }
  ::kill(-pid_, SIGTERM);
  if (WaitExit(2000)) return;
  ::kill(-pid_, SIGKILL);
  WaitExit(5000);
}

void GuestProcess::Release() {
  reaped_ = true;
  pid_ = -1;
}

}  // namespace umla::bridge
