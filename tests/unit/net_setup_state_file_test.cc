// net-setup's record on disk, in a directory of the test's own: replaced atomically
// (through WriteFileDurably, durable_write_test.cc), and only under the directory's lock.
#include "host-bridge/hostnet/net_setup_state_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace umla::bridge {
namespace {

// What a directory holds, "." and ".." aside.
std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return names;
  while (dirent* entry = ::readdir(d)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(d);
  return names;
}

// A stream that notes (for another thread to see) that something was written to it.
class NotingBuffer : public std::streambuf {
 public:
  std::atomic<bool> written{false};

 protected:
  int overflow(int c) override {
    written = true;
    return c;
  }
};

class NetSetupStateFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char temp[] = "/tmp/umla-net-setup-state.XXXXXX";
    ASSERT_NE(::mkdtemp(temp), nullptr);
    base = temp;
    dir = base + "/uml-bridge";  // made by Open
  }
  void TearDown() override { std::system(("rm -rf " + base).c_str()); }
  std::string base;
  std::string dir;
  std::ostringstream waiting;
};

TEST_F(NetSetupStateFileTest, SavesAtomicallyLoadsAndRemoves) {
  auto record = NetSetupStateFile::Open(dir, 4026531840, "br0", waiting);
  ASSERT_TRUE(record.ok()) << record.status().message();
  EXPECT_EQ(record->path(), dir + "/net-setup.4026531840.br0.json");
  auto none = record->Load();
  ASSERT_TRUE(none.ok()) << none.status().message();
  EXPECT_FALSE(none->has_value());

  NetSetupState state{"br0", "tap0", true, true};
  state.bridge_ifindex = 7;
  state.tap_ifindex = 8;
  ASSERT_TRUE(record->Save(state).ok());
  state.created_bridge = false;
  ASSERT_TRUE(record->Save(state).ok());
  EXPECT_EQ(Entries(dir), std::vector<std::string>{"net-setup.4026531840.br0.json"});  // no temp left
  struct stat st;
  ASSERT_EQ(::stat(record->path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
  auto back = record->Load();
  ASSERT_TRUE(back.ok()) << back.status().message();
  ASSERT_TRUE(back->has_value());
  EXPECT_FALSE((*back)->created_bridge);
  EXPECT_EQ((*back)->tap_ifindex, 8);

  ASSERT_TRUE(record->Remove().ok());
  EXPECT_TRUE(Entries(dir).empty());
  EXPECT_TRUE(record->Remove().ok());  // gone already is fine
  EXPECT_EQ(waiting.str(), "");
}

// A save that fails leaves the old record and no temp file, and names the call.
TEST_F(NetSetupStateFileTest, AFailedSaveLeavesNothingBehind) {
  auto record = NetSetupStateFile::Open(dir, 1, "br0", waiting);
  ASSERT_TRUE(record.ok()) << record.status().message();
  ASSERT_EQ(::mkdir(record->path().c_str(), 0755), 0);  // the rename cannot replace a directory
  ASSERT_EQ(::mkdir((record->path() + "/x").c_str(), 0755), 0);
  Status saved = record->Save(NetSetupState{"br0", "tap0"});
  ASSERT_FALSE(saved.ok());
  EXPECT_EQ(saved.message().rfind("rename " + record->path() + ".uml-bridge.tmp to " +
                                       record->path() + ": ", 0), 0u)
      << saved.message();
  EXPECT_EQ(Entries(dir), std::vector<std::string>{"net-setup.1.br0.json"});
}

// A save killed before its rename leaves one temp file of a fixed name: the next save
// replaces it, and removing the record removes it too.
TEST_F(NetSetupStateFileTest, ATempFileOfAKilledSaveDoesNotPileUp) {
  auto record = NetSetupStateFile::Open(dir, 1, "br0", waiting);
  ASSERT_TRUE(record.ok()) << record.status().message();
  std::string temp = record->path() + ".uml-bridge.tmp";
  std::ofstream(temp) << "{\"bridge\": \"br";
  ASSERT_TRUE(record->Save(NetSetupState{"br0", "tap0"}).ok());
  EXPECT_EQ(Entries(dir), std::vector<std::string>{"net-setup.1.br0.json"});
  std::ofstream(temp) << "{\"bridge\": \"br";
  ASSERT_TRUE(record->Remove().ok());
  EXPECT_TRUE(Entries(dir).empty());
}

TEST_F(NetSetupStateFileTest, ReadErrorsNameTheFile) {
  auto record = NetSetupStateFile::Open(dir, 1, "br0", waiting);
  ASSERT_TRUE(record.ok()) << record.status().message();
  std::ofstream(record->path()) << "[1]";
  auto loaded = record->Load();
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().message(), record->path() + ": not a net-setup state file");

  auto bad = NetSetupStateFile::Open(dir, 1, "../x", waiting);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message().rfind("bridge \"../x\": expected an interface name", 0), 0u);
  auto nowhere = NetSetupStateFile::Open(base + "/missing/uml-bridge", 1, "br0", waiting);
  ASSERT_FALSE(nowhere.ok());
  EXPECT_EQ(nowhere.status().message(),
            "mkdir " + base + "/missing/uml-bridge: No such file or directory");
}

// While one net-setup holds the directory's lock, another (for any bridge) waits,
// says so, and goes on once the first is done.
TEST_F(NetSetupStateFileTest, ASecondNetSetupWaitsForTheLock) {
  auto first = std::make_optional(NetSetupStateFile::Open(dir, 1, "br0", waiting));
  ASSERT_TRUE(first->ok()) << first->status().message();
  int probe = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(probe, 0);
  EXPECT_NE(::flock(probe, LOCK_EX | LOCK_NB), 0);  // held
  EXPECT_EQ(errno, EWOULDBLOCK);

  NotingBuffer noted;
  std::ostream second_waiting(&noted);
  std::atomic<bool> opened{false};
  std::thread second([&] {
    auto record = NetSetupStateFile::Open(dir, 1, "br1", second_waiting);
    opened = record.ok();
  });
  for (int i = 0; i < 1000 && !noted.written; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(noted.written);
  EXPECT_FALSE(opened);
  first.reset();  // the first is done: its lock goes
  second.join();
  EXPECT_TRUE(opened);
  EXPECT_EQ(::flock(probe, LOCK_EX | LOCK_NB), 0);  // and the second's went with it
  ::close(probe);
}

}  // namespace
}  // namespace umla::bridge
