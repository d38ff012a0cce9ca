#include "host-bridge/guest/sd_notify.h"

#include <stdlib.h>

#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <string>

#include <gtest/gtest.h>

#include "host-bridge/commands/run_notify.h"

namespace umla::bridge {
namespace {

// A datagram socket the test binds, as systemd does for a Type=notify unit.
class Listener {
 public:
  explicit Listener(const NotifyAddress& address) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    bound_ = bind(fd_, reinterpret_cast<const sockaddr*>(&address.address), address.length) == 0;
  }
  ~Listener() { close(fd_); }
  bool bound() const { return bound_; }
  std::string Receive() {
    char buffer[4096];
    ssize_t n = recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
    return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "";
  }

 private:
  int fd_ = -1;
  bool bound_ = false;
};

TEST(SdNotify, ParsesPathsAndAbstractNames) {
  auto path = ParseNotifySocket("/run/systemd/notify");
  ASSERT_TRUE(path.ok());
  EXPECT_STREQ(path->address.sun_path, "/run/systemd/notify");
  EXPECT_EQ(path->length, offsetof(sockaddr_un, sun_path) + 20);
  auto abstract = ParseNotifySocket("@uml/notify");
  ASSERT_TRUE(abstract.ok());
  EXPECT_EQ(abstract->address.sun_path[0], '\0');
  EXPECT_EQ(std::string(abstract->address.sun_path + 1, 10), "uml/notify");
  EXPECT_EQ(abstract->length, offsetof(sockaddr_un, sun_path) + 11);
  EXPECT_FALSE(ParseNotifySocket("relative/sock").ok());
  EXPECT_FALSE(ParseNotifySocket(std::string(200, '/')).ok());
  EXPECT_EQ(StatusMessage("step fstab\nfailed"), "STATUS=step fstab failed");
}

TEST(SdNotify, SendsDatagramsToAnAbstractSocket) {
  std::string name = "@umla-sd-notify-test-" + std::to_string(getpid());
  Listener listener(*ParseNotifySocket(name));
  ASSERT_TRUE(listener.bound());
  SystemdNotifier notifier(name);
  ASSERT_TRUE(notifier.enabled());
  ASSERT_TRUE(notifier.Send("READY=1\nMAINPID=42").ok());
  EXPECT_EQ(listener.Receive(), "READY=1\nMAINPID=42");
}

TEST(SdNotify, SendsDatagramsToAPathSocket) {
  std::string path = testing::TempDir() + "sd-notify-" + std::to_string(getpid()) + ".sock";
  unlink(path.c_str());
  Listener listener(*ParseNotifySocket(path));
  ASSERT_TRUE(listener.bound());
  SystemdNotifier notifier(path);
  ASSERT_TRUE(notifier.Send(StatusMessage("kernel up")).ok());
  EXPECT_EQ(listener.Receive(), "STATUS=kernel up");
  unlink(path.c_str());
}

TEST(SdNotify, DisabledWithoutSocketAndReportsAMissingListener) {
  SystemdNotifier off("");
  EXPECT_FALSE(off.enabled());
  EXPECT_TRUE(off.setup_error().empty());
  EXPECT_TRUE(off.Send("READY=1").ok());
  SystemdNotifier bad("not-absolute");
  EXPECT_FALSE(bad.enabled());
  EXPECT_NE(bad.setup_error().find("NOTIFY_SOCKET=\"not-absolute\""), std::string::npos);
  SystemdNotifier nobody("@umla-nobody-listens-" + std::to_string(getpid()));
  Status sent = nobody.Send("READY=1");
  EXPECT_FALSE(sent.ok());
  EXPECT_NE(sent.message().find("notify systemd: Connection refused"), std::string::npos);
}

// RunNotifier through a Session, as `run` uses them: progress lines become STATUS=
// without the "guest: " prefix, READY=1 waits for the guest's ready event.
TEST(RunNotifier, ForwardsProgressAndWaitsForReady) {
  std::string name = "@umla-run-notifier-test-" + std::to_string(getpid());
  Listener listener(*ParseNotifySocket(name));
  ASSERT_TRUE(listener.bound());
  setenv("NOTIFY_SOCKET", name.c_str(), 1);
  WatchOptions options;
  options.quiet = true;
  Session session(options);
  RunNotifier notifier(session);
  unsetenv("NOTIFY_SOCKET");
  session.Say("guest: kernel up (mconsole /x)");
  session.Say("started linux as pid 7");
  EXPECT_EQ(listener.Receive(), "STATUS=kernel up (mconsole /x)");
  EXPECT_EQ(listener.Receive(), "STATUS=started linux as pid 7");
  notifier.GuestReady(42);  // not ready yet: nothing
  EXPECT_EQ(listener.Receive(), "");
  notifier.Stopping();
  EXPECT_EQ(listener.Receive(), "STOPPING=1\nSTATUS=stopping the guest");
}

// Nobody listening: one complaint, and no endless loop through Say -> observer -> Send.
TEST(RunNotifier, ABrokenSocketIsReportedOnce) {
  setenv("NOTIFY_SOCKET", ("@umla-nobody-" + std::to_string(getpid())).c_str(), 1);
  // Before the session: it writes to the stderr it found when it was made.
  testing::internal::CaptureStderr();
  Session session(WatchOptions{});
  RunNotifier notifier(session);
  unsetenv("NOTIFY_SOCKET");
  session.Say("guest: kernel up");
  session.Say("guest: agent up");
  notifier.Stopping();
  std::string said = testing::internal::GetCapturedStderr();
  size_t first = said.find("notify systemd: Connection refused");
  ASSERT_NE(first, std::string::npos) << said;
  EXPECT_EQ(said.find("notify systemd", first + 1), std::string::npos) << said;
  EXPECT_NE(said.find("uml-bridge: guest: agent up"), std::string::npos) << said;
}

}  // namespace
}  // namespace umla::bridge
