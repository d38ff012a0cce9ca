#include "host-bridge/commands/guest_set.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

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

  EXPECT_TRUE(guests.Run());  // until the deadline: "silent" never reports
  EXPECT_EQ(guests.ready_count(), 1u);
  EXPECT_EQ(guests.ExitCode(), 3);
  EXPECT_EQ(send(done_line[1], "x", 1, MSG_NOSIGNAL), -1);
  EXPECT_EQ(errno, EPIPE);
  close(done_line[1]);
  close(silent_line[1]);
}

}  // namespace
}  // namespace umla::bridge
