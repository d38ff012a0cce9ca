#include "host-bridge/guest/guest_process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

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

}  // namespace
}  // namespace umla::bridge
