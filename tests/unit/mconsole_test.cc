#include "host-bridge/guest/mconsole.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "tests/unit/temp_dir.h"

namespace umla::bridge {
namespace {

std::string Packet(uint32_t magic, uint32_t version, uint32_t type, uint32_t length,
                   std::string data) {
  std::string out(16, '\0');
  std::memcpy(&out[0], &magic, 4);
  std::memcpy(&out[4], &version, 4);
  std::memcpy(&out[8], &type, 4);
  std::memcpy(&out[12], &length, 4);
  return out + data;
}

TEST(Notify, ParsesTheSocketAnnouncement) {
  auto notify = ParseNotify(Packet(0xcafebabe, 2, 0, 21, std::string("/root/.uml/x/mconsole") + '\0'));
  ASSERT_TRUE(notify.has_value());
  EXPECT_EQ(notify->type, NotifyType::kSocket);
  EXPECT_EQ(notify->data, "/root/.uml/x/mconsole");
}

TEST(Notify, RejectsMalformedPackets) {
  EXPECT_FALSE(ParseNotify("short").has_value());
  EXPECT_FALSE(ParseNotify(Packet(0xdeadbeef, 2, 0, 0, "")).has_value());
  EXPECT_FALSE(ParseNotify(Packet(0xcafebabe, 3, 0, 0, "")).has_value());
  EXPECT_FALSE(ParseNotify(Packet(0xcafebabe, 2, 9, 0, "")).has_value());
  EXPECT_FALSE(ParseNotify(Packet(0xcafebabe, 2, 3, 100, "abc")).has_value());
}

TEST(Mconsole, RequestLayout) {
  std::string request = EncodeMconsoleRequest("halt");
  uint32_t magic, length;
  std::memcpy(&magic, request.data(), 4);
  std::memcpy(&length, request.data() + 8, 4);
  EXPECT_EQ(magic, 0xcafebabeu);
  EXPECT_EQ(length, 4u);
  EXPECT_EQ(request.substr(12, 4), "halt");
}

// A kernel that is stopped reads none of the questions: once its queue is full, a
// question is not sent, and the call still returns (it once blocked for ever).
TEST(Mconsole, AKernelThatReadsNothingNeverBlocksTheQuestion) {
  umla::testing::TempDir dir("mconsole");
  ASSERT_FALSE(dir.path().empty());
  std::string path = dir.path() + "/mconsole";
  int kernel = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(kernel, 0);
  sockaddr_un address = {};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  ASSERT_EQ(::bind(kernel, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  // The kernel's queue holds max_dgram_qlen questions (10 by default, 512 under
  // systemd's sysctl defaults); a few more fill it whatever it is.
  int queue = 10;
  std::ifstream("/proc/sys/net/unix/max_dgram_qlen") >> queue;
  std::string last;
  for (int i = 0; i < queue + 4; ++i) {
    MconsoleReach reach;
    Result<std::string> answer = MconsoleCommand(path, "version", 1, &reach);
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(reach, MconsoleReach::kUnclear);
    last = answer.status().message();
  }
  EXPECT_EQ(last, "mconsole " + path + ": its queue is full (the kernel is not answering)");
  ::close(kernel);
}

}  // namespace
}  // namespace umla::bridge
