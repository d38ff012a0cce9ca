#include "host-bridge/commands/guest_set.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>

#include "host-bridge/watch/exit_codes.h"
#include "protocol/frame.h"

namespace umla::bridge {
namespace {

std::string ReadyFrames() {
  protocol::Event hello;
  hello.type = protocol::EventType::kHello;
  hello.seq = 1;
  hello.hello = {"0.1.0", "6.1", "b1", "boot"};
  protocol::Event ready;
  ready.type = protocol::EventType::kReady;
  ready.seq = 2;
  ready.ready.ok = true;
  return protocol::EncodeFrame(protocol::EncodeEvent(hello)) +
         protocol::EncodeFrame(protocol::EncodeEvent(ready));
}

// A guest that is ready while another is not: its line keeps being written to, which
// would make epoll_wait return at once again and again (100% CPU) if the set kept
// watching it. Its fd is let go instead (the writer then gets EPIPE).
TEST(GuestSet, LetsGoOfAGuestThatIsDone) {
  WatchOptions options;
  options.quiet = true;
  options.timeout_s = 0.3;
  Session session(options);
  GuestSet guests(session);
  int done_line[2], silent_line[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, done_line), 0);
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, silent_line), 0);
  ASSERT_TRUE(guests.Add("done", done_line[0]).ok());
  ASSERT_TRUE(guests.Add("silent", silent_line[0]).ok());
  std::string frames = ReadyFrames() + "noise after ready\n";
  ASSERT_EQ(write(done_line[1], frames.data(), frames.size()), static_cast<ssize_t>(frames.size()));

  EXPECT_EQ(guests.Run(), 0);  // until the deadline: "silent" never reports
  EXPECT_EQ(guests.ready_count(), 1u);
  EXPECT_EQ(guests.ExitCode(), 3);
  EXPECT_EQ(send(done_line[1], "x", 1, MSG_NOSIGNAL), -1);
  EXPECT_EQ(errno, EPIPE);
  close(done_line[1]);
  close(silent_line[1]);
}

// Ctrl-C or `systemctl stop` while guests are still booting: the wait ends at once
// with 128 + the signal, not with 4 ("the guest exited"), which would blame a guest
// that is fine.
TEST(GuestSet, ASignalEndsTheWaitWithItsOwnStatus) {
  WatchOptions options;
  options.quiet = true;
  options.timeout_s = 30;
  Session session(options);  // blocks SIGINT, SIGTERM, SIGHUP for its signalfd
  GuestSet guests(session);
  int line[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, line), 0);
  ASSERT_TRUE(guests.Add("booting", line[0]).ok());
  ASSERT_EQ(kill(getpid(), SIGHUP), 0);
  auto start = std::chrono::steady_clock::now();
  int signo = guests.Run();
  EXPECT_EQ(signo, SIGHUP);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(ExitForSignal(SIGINT), 130);
  EXPECT_EQ(ExitForSignal(SIGTERM), 143);
  close(line[1]);
}

TEST(WatchOptions, TimeoutAndLineAreChecked) {
  WatchOptions options;
  EXPECT_TRUE(CheckWatchOptions(options).ok());
  for (double bad : {0.0, -1.0, 86400.5, std::nan(""), HUGE_VAL, -HUGE_VAL}) {
    options.timeout_s = bad;
    Status checked = CheckWatchOptions(options);
    ASSERT_FALSE(checked.ok()) << bad;
    EXPECT_EQ(checked.message(), "--timeout must be more than 0 and at most 86400 seconds");
  }
  for (double good : {0.001, 1.0, 86400.0}) {
    options.timeout_s = good;
    EXPECT_TRUE(CheckWatchOptions(options).ok()) << good;
  }
  options.line = 64;
  EXPECT_EQ(CheckWatchOptions(options).message(), "--line must be between 1 and 63");
}

}  // namespace
}  // namespace umla::bridge
