#include "host-bridge/guest/channel.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

namespace umla::bridge {
namespace {

using Reach = MconsoleReach;

TEST(ChannelSpec, TextRoundTrips) {
  for (const char* text : {"fifo:/run/g.fifo", "pts:/dev/pts/3", "umid:web1"}) {
    Result<ChannelSpec> spec = ParseChannelSpec(text);
    ASSERT_TRUE(spec.ok()) << text;
    EXPECT_EQ(ChannelSpecText(*spec), text);
  }
  EXPECT_FALSE(ParseChannelSpec("umid:a/b").ok());
}

TEST(UmidLiveness, NobodyListeningBeforeTheFirstAnswerIsNotStartedYet) {
  UmidLiveness guest;
  for (int i = 0; i < 50; ++i) EXPECT_FALSE(guest.Gone(Reach::kNobodyListening));
  EXPECT_FALSE(guest.Gone(Reach::kUnclear));
  EXPECT_FALSE(guest.answered());
}

TEST(UmidLiveness, NobodyListeningAfterAnAnswerIsGone) {
  UmidLiveness guest;
  EXPECT_FALSE(guest.Gone(Reach::kNobodyListening));  // not started yet
  EXPECT_FALSE(guest.Gone(Reach::kAnswered));          // up, line not open yet
  EXPECT_FALSE(guest.Gone(Reach::kUnclear));           // slow to answer: not a verdict
  EXPECT_FALSE(guest.Gone(Reach::kAnswered));
  EXPECT_TRUE(guest.Gone(Reach::kNobodyListening));    // powered off
  EXPECT_TRUE(guest.answered());
}

TEST(Mconsole, SendErrorsThatMeanNobodyListens) {
  EXPECT_EQ(ReachOfSendError(ENOENT), Reach::kNobodyListening);
  EXPECT_EQ(ReachOfSendError(ENOTDIR), Reach::kNobodyListening);
  EXPECT_EQ(ReachOfSendError(ECONNREFUSED), Reach::kNobodyListening);
  EXPECT_EQ(ReachOfSendError(EAGAIN), Reach::kUnclear);  // a full queue: someone is there
  EXPECT_EQ(ReachOfSendError(EACCES), Reach::kUnclear);
}

// Where the kernel puts the socket when the user gives uml_dir= (arch/um's umid code:
// a leading ~ is $HOME, a missing trailing slash is added, the empty value ignored).
TEST(MconsoleSocket, FollowsTheKernelsUmlDir) {
  const char* home = std::getenv("HOME");
  std::string old_home = home ? home : "";
  setenv("HOME", "/home/tester", 1);
  EXPECT_EQ(MconsoleSocketForUmid("g1"), "/home/tester/.uml/g1/mconsole");
  EXPECT_EQ(MconsoleSocketForUmid("g1", std::string("/srv/uml")), "/srv/uml/g1/mconsole");
  EXPECT_EQ(MconsoleSocketForUmid("g1", std::string("/srv/uml/")), "/srv/uml/g1/mconsole");
  EXPECT_EQ(MconsoleSocketForUmid("g1", std::string("~/vms")), "/home/tester/vms/g1/mconsole");
  EXPECT_EQ(MconsoleSocketForUmid("g1", std::string("")), "/home/tester/.uml/g1/mconsole");
  EXPECT_EQ(MconsoleSocketForUmid("g1", std::string("rel")),
            (std::filesystem::current_path() / "rel/g1/mconsole").string());
  setenv("HOME", old_home.c_str(), 1);
}

// A stand-in for a guest kernel's mconsole socket at HOME/.uml/UMID/mconsole, with
// HOME pointed at a scratch directory for the test's duration.
class FakeGuest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* home = std::getenv("HOME");
    old_home_ = home ? home : "";
    home_ = std::filesystem::temp_directory_path() / ("umla-channel-test." + std::to_string(getpid()));
    dir_ = home_ / ".uml" / "g1";
    std::filesystem::create_directories(dir_);
    setenv("HOME", home_.c_str(), 1);
    ASSERT_EQ(MconsoleSocketForUmid("g1"), (dir_ / "mconsole").string());
  }
  void TearDown() override {
    if (fd_ >= 0) close(fd_);
    setenv("HOME", old_home_.c_str(), 1);
    std::filesystem::remove_all(home_);
  }
  // Binds the socket, as a booting kernel does; its pid file names this process
  // (which holds no ptmx, so the guest's line reads as not opened yet).
  void Boot() {
    fd_ = socket(AF_UNIX, SOCK_DGRAM, 0);
    sockaddr_un address = {};
    address.sun_family = AF_UNIX;
    std::string path = (dir_ / "mconsole").string();
    std::strcpy(address.sun_path, path.c_str());
    ASSERT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    std::ofstream(dir_ / "pid") << getpid() << "\n";
  }
  // Answers one request with `text` (an error reply when `error`), in the background.
  std::thread AnswerOnce(std::string text, uint32_t error = 0) {
    return std::thread([this, text, error] {
      char request[1024];
      sockaddr_un peer = {};
      socklen_t peer_length = sizeof peer;
      if (recvfrom(fd_, request, sizeof request, 0, reinterpret_cast<sockaddr*>(&peer),
                   &peer_length) < 0) {
        return;
      }
      uint32_t header[3] = {error, 0, static_cast<uint32_t>(text.size())};
      std::string reply(reinterpret_cast<const char*>(header), sizeof header);
      sendto(fd_, (reply + text).data(), reply.size() + text.size(), 0,
             reinterpret_cast<sockaddr*>(&peer), peer_length);
    });
  }
  // Receives one request, then runs `answer` with the asker's address, in the
  // background.
  std::thread Answer(std::function<void(const sockaddr_un&, socklen_t)> answer) {
    return std::thread([this, answer] {
      char request[1024];
      sockaddr_un peer = {};
      socklen_t peer_length = sizeof peer;
      if (recvfrom(fd_, request, sizeof request, 0, reinterpret_cast<sockaddr*>(&peer),
                   &peer_length) >= 0) {
        answer(peer, peer_length);
      }
    });
  }
  // One reply part from `from`; false when it could not be sent (the asker left).
  static bool SendPart(int from, const sockaddr_un& peer, socklen_t peer_length,
                       const std::string& text, uint32_t more) {
    uint32_t header[3] = {0, more, static_cast<uint32_t>(text.size())};
    std::string part = std::string(reinterpret_cast<const char*>(header), sizeof header) + text;
    return sendto(from, part.data(), part.size(), MSG_NOSIGNAL,
                  reinterpret_cast<const sockaddr*>(&peer), peer_length) >= 0;
  }
  // Closes the socket and leaves its file behind, as a killed kernel does.
  void Kill() {
    close(fd_);
    fd_ = -1;
  }

  std::string old_home_;
  std::filesystem::path home_, dir_;
  int fd_ = -1;
};

TEST_F(FakeGuest, NotStartedThenUpThenKilledThenRemoved) {
  ChannelSpec spec{ChannelSpec::Kind::kUmid, "g1"};
  UmidLiveness liveness;
  OpenAttempt attempt;

  Result<int> fd = OpenChannel(spec, 7, &attempt);  // no socket yet
  EXPECT_FALSE(fd.ok());
  EXPECT_EQ(attempt.mconsole, Reach::kNobodyListening);
  EXPECT_FALSE(liveness.Gone(attempt.mconsole));

  Boot();
  std::thread answer = AnswerOnce("pts");
  fd = OpenChannel(spec, 7, &attempt);
  answer.join();
  ASSERT_TRUE(fd.ok()) << fd.status().message();
  EXPECT_EQ(*fd, -1);
  EXPECT_TRUE(attempt.pending);
  EXPECT_EQ(attempt.mconsole, Reach::kAnswered);
  EXPECT_FALSE(liveness.Gone(attempt.mconsole));

  Kill();  // the socket file stays: Connection refused
  fd = OpenChannel(spec, 7, &attempt);
  ASSERT_FALSE(fd.ok());
  EXPECT_NE(fd.status().message().find("refused"), std::string::npos) << fd.status().message();
  EXPECT_FALSE(attempt.pending);
  EXPECT_TRUE(liveness.Gone(attempt.mconsole));

  std::filesystem::remove_all(dir_);  // a clean power-off removes ~/.uml/UMID
  fd = OpenChannel(spec, 7, &attempt);
  ASSERT_FALSE(fd.ok());
  EXPECT_TRUE(liveness.Gone(attempt.mconsole));
}

TEST_F(FakeGuest, AnErrorReplyOrAnotherLineTypeStillCountsAsAnswered) {
  Boot();
  ChannelSpec spec{ChannelSpec::Kind::kUmid, "g1"};
  OpenAttempt attempt;
  std::thread answer = AnswerOnce("fd:3");
  Result<int> fd = OpenChannel(spec, 7, &attempt);
  answer.join();
  ASSERT_FALSE(fd.ok());
  EXPECT_NE(fd.status().message().find("not a pts"), std::string::npos);
  EXPECT_EQ(attempt.mconsole, Reach::kAnswered);

  answer = AnswerOnce("No such device", 1);
  fd = OpenChannel(spec, 7, &attempt);
  answer.join();
  ASSERT_FALSE(fd.ok());
  EXPECT_NE(fd.status().message().find("No such device"), std::string::npos);
  EXPECT_EQ(attempt.mconsole, Reach::kAnswered);
}

TEST_F(FakeGuest, NoReplyInTimeIsUnclear) {
  Boot();  // bound, but never answers (a busy or stopped kernel)
  Result<std::string> reply =
      MconsoleCommand(MconsoleSocketForUmid("g1"), "config con7", 50, nullptr);
  EXPECT_FALSE(reply.ok());
  MconsoleReach reach = MconsoleReach::kAnswered;
  reply = MconsoleCommand(MconsoleSocketForUmid("g1"), "config con7", 50, &reach);
  EXPECT_FALSE(reply.ok());
  EXPECT_EQ(reach, Reach::kUnclear);
}

// The guest's kernel decides how many "more" parts it sends: the reply is capped.
TEST_F(FakeGuest, AnEndlessReplyIsRefusedPastItsLimit) {
  Boot();
  std::thread answer = Answer([this](const sockaddr_un& peer, socklen_t length) {
    for (int part = 0; part < 400; ++part) {
      if (!SendPart(fd_, peer, length, std::string(500, 'x'), 1)) return;
    }
  });
  Result<std::string> reply = MconsoleCommand(MconsoleSocketForUmid("g1"), "help", 2000);
  ASSERT_FALSE(reply.ok());
  EXPECT_NE(reply.status().message().find("reply longer than 65536 bytes"), std::string::npos)
      << reply.status().message();
  answer.join();
}

// A part every 50 ms would restart a per-part timeout for ever; the deadline holds.
TEST_F(FakeGuest, OneDeadlineForTheWholeReply) {
  Boot();
  std::thread answer = Answer([this](const sockaddr_un& peer, socklen_t length) {
    for (int part = 0; part < 40; ++part) {
      if (!SendPart(fd_, peer, length, "x", 1)) return;
      usleep(50 * 1000);
    }
  });
  auto start = std::chrono::steady_clock::now();
  Result<std::string> reply = MconsoleCommand(MconsoleSocketForUmid("g1"), "help", 300);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(reply.ok());
  EXPECT_NE(reply.status().message().find("no complete reply within 300 ms"), std::string::npos)
      << reply.status().message();
  EXPECT_LT(took, std::chrono::milliseconds(1500));
  answer.join();
}

// Empty "more" parts never grow the reply to its limit: sent as fast as they are read,
// they would keep a reader that only stops when nothing is waiting; the deadline holds.
TEST_F(FakeGuest, EmptyPartsWithoutEndStopAtTheDeadline) {
  Boot();
  std::atomic<bool> stop{false};
  std::thread answer = Answer([this, &stop](const sockaddr_un& peer, socklen_t length) {
    while (!stop && SendPart(fd_, peer, length, "", 1)) {
    }
  });
  auto start = std::chrono::steady_clock::now();
  Result<std::string> reply = MconsoleCommand(MconsoleSocketForUmid("g1"), "help", 200);
  auto took = std::chrono::steady_clock::now() - start;
  stop = true;
  ASSERT_FALSE(reply.ok());
  EXPECT_LT(took, std::chrono::milliseconds(1500));
  answer.join();
}

// Another local process that learns the asker's address cannot answer in the guest's
// place: only datagrams from the guest's socket are read.
TEST_F(FakeGuest, OnlyTheGuestsSocketIsHeard) {
  Boot();
  std::thread answer = Answer([this](const sockaddr_un& peer, socklen_t length) {
    int forger = socket(AF_UNIX, SOCK_DGRAM, 0);
    SendPart(forger, peer, length, "forged", 0);
    close(forger);
    usleep(50 * 1000);
    SendPart(fd_, peer, length, "pts", 0);
  });
  Result<std::string> reply = MconsoleCommand(MconsoleSocketForUmid("g1"), "config con7", 2000);
  answer.join();
  ASSERT_TRUE(reply.ok()) << reply.status().message();
  EXPECT_EQ(*reply, "pts");
}

}  // namespace
}  // namespace umla::bridge
