#include "host-bridge/guest/guest_process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace umla::bridge {
namespace {

// Blocks and ignores signals as a Session does (session.cc), for one test.
class BridgeSignalState {
 public:
  BridgeSignalState() {
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigprocmask(SIG_BLOCK, &mask, &old_mask_);
    old_pipe_ = signal(SIGPIPE, SIG_IGN);
    old_hup_ = signal(SIGHUP, SIG_IGN);
  }
  ~BridgeSignalState() {
    signal(SIGHUP, old_hup_);
    signal(SIGPIPE, old_pipe_);
    sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
  }

 private:
  sigset_t old_mask_;
  sighandler_t old_pipe_;
  sighandler_t old_hup_;
};

std::string ReadAll(int fd) {
  std::string out;
  char buffer[4096];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof buffer)) > 0) out.append(buffer, static_cast<size_t>(n));
  return out;
}

void WaitForExit(GuestProcess& guest) {
  for (int tries = 0; tries < 500 && !guest.Exited(); ++tries) usleep(10 * 1000);
}

// The kernel must stop on `kill`, `systemctl stop` and Stop()'s SIGTERM: nothing of
// the bridge's signal mask or ignored signals reaches it.
TEST(GuestProcess, TheKernelGetsDefaultSignals) {
  BridgeSignalState bridge;
  LaunchSpec spec;
  spec.kernel = "grep";  // reads its own signal state
  spec.args = {"^Sig\\(Blk\\|Ign\\)", "/proc/self/status"};
  Result<GuestProcess> started = GuestProcess::Start(spec);
  ASSERT_TRUE(started.ok()) << started.status().message();
  std::string status = ReadAll(started->console_fd());
  WaitForExit(*started);
  EXPECT_EQ(status, "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
}

// A kernel the caller neither waited for nor released (an error path) is stopped and
// reaped with its GuestProcess, not left running.
TEST(GuestProcess, DoesNotOutliveItsOwner) {
  LaunchSpec spec;
  spec.kernel = "sleep";
  spec.args = {"30"};
  pid_t pid = -1;
  {
    Result<GuestProcess> started = GuestProcess::Start(spec);
    ASSERT_TRUE(started.ok()) << started.status().message();
    pid = started->pid();
  }
  EXPECT_EQ(kill(pid, 0), -1);  // reaped: no zombie left either
  EXPECT_EQ(errno, ESRCH);
}

// The agent's fd already at its number (possible when the bridge started with 0-2
// closed): dup2(x, x) would keep its close-on-exec flag and the kernel lose the line.
TEST(GuestProcess, TheAgentFdSurvivesWhenAlreadyAtItsNumber) {
  int pipe_fds[2];
  ASSERT_EQ(pipe2(pipe_fds, O_CLOEXEC), 0);
  constexpr int kNumber = 57;
  ASSERT_EQ(fcntl(kNumber, F_GETFD), -1) << "fd 57 is in use in this test process";
  ASSERT_EQ(dup3(pipe_fds[1], kNumber, O_CLOEXEC), kNumber);
  LaunchSpec spec;
  spec.kernel = "test";  // exits 0 when its fd 57 is open
  spec.args = {"-e", "/proc/self/fd/57"};
  spec.agent_fd = kNumber;
  spec.agent_fd_number = kNumber;
  Result<GuestProcess> started = GuestProcess::Start(spec);
  ASSERT_TRUE(started.ok()) << started.status().message();
  WaitForExit(*started);
  EXPECT_EQ(started->DescribeExit(), "exited with status 0");
  close(kNumber);
  close(pipe_fds[0]);
  close(pipe_fds[1]);
}

}  // namespace
}  // namespace umla::bridge
