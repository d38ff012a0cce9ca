// The FileSystem calls the net step's sweep of its stale files uses on the real
// filesystem: listing a directory, and hiding a file (renamed to .NAME and kept).
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "agent/system/file_system.h"
#include "tests/unit/slurp.h"
#include "tests/unit/temp_dir.h"

namespace umla::agent {
namespace {

namespace fs = std::filesystem;

using umla::testing::Slurp;

class HideFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(root_.empty());
    fs::create_directories(root_ + "/etc/network/interfaces.d");
  }
  void TearDown() override { SetFaultHookForTesting(nullptr); }
  umla::testing::TempDir temp_{"hide"};
  std::string root_ = temp_.path();
};

TEST_F(HideFileTest, ListsEveryEntrySortedAndAMissingDirectoryAsEmpty) {
  RealFileSystem files(root_);
  for (const char* name : {"uml-agent-eth1", ".uml-agent-eth0", "other"}) {
    std::ofstream(root_ + "/etc/network/interfaces.d/" + name) << name;
  }
  fs::create_directory(root_ + "/etc/network/interfaces.d/sub");
  auto names = files.ListDirectory("/etc/network/interfaces.d");
  ASSERT_TRUE(names.ok()) << names.status().message();
  EXPECT_EQ(*names,
            (std::vector<std::string>{".uml-agent-eth0", "other", "sub", "uml-agent-eth1"}));
  auto none = files.ListDirectory("/etc/systemd/network");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  // Inside an image tree an absolute symlink is the tree's own.
  fs::create_directory_symlink("/etc/network", root_ + "/etc/net");
  auto linked = files.ListDirectory("/etc/net/interfaces.d");
  ASSERT_TRUE(linked.ok()) << linked.status().message();
  EXPECT_EQ(linked->size(), 4u);
  auto file = files.ListDirectory("/etc/network/interfaces.d/other");
  ASSERT_FALSE(file.ok());
  const std::string not_dir = root_ + "/etc/network/interfaces.d/other: Not a directory";
  EXPECT_NE(file.status().message().find(not_dir), std::string::npos)
      << file.status().message();
}

// Hiding is a rename in the directory: the content stays, an earlier hidden copy is
// replaced, and a run that remembers contents knows the file is gone.
TEST_F(HideFileTest, HidingKeepsTheFileUnderADotName) {
  RealFileSystem files(root_);
  const std::string part = "/etc/network/interfaces.d/uml-agent-eth0";
  EXPECT_EQ(HiddenPath(part), "/etc/network/interfaces.d/.uml-agent-eth0");
  std::ofstream(root_ + part) << "first\n";
  std::ofstream(root_ + HiddenPath(part)) << "an earlier one\n";
  files.RememberContents(true);
  files.DeferDirectorySyncs();
  ASSERT_EQ(files.ReadFile(part).value_or(""), "first\n");
  ASSERT_EQ(files.ReadFile(HiddenPath(part)).value_or(""), "an earlier one\n");
  ASSERT_TRUE(files.HideFile(part, HiddenPath(part)).ok());
  EXPECT_FALSE(fs::exists(root_ + part));
  EXPECT_EQ(Slurp(root_ + HiddenPath(part)), "first\n");
  EXPECT_FALSE(files.Exists(part));
  EXPECT_EQ(files.ReadFile(HiddenPath(part)).value_or(""), "first\n");
  // Written again (the image's own file put back): created, nothing to back up.
  ASSERT_TRUE(files.WriteFileAtomic(part, "again\n").ok());
  EXPECT_EQ(Slurp(root_ + part), "again\n");
  EXPECT_FALSE(fs::exists(root_ + part + kBackupSuffix));
  EXPECT_TRUE(files.SyncDirectories().ok());
}

int FailRename(const char* point) { return std::strcmp(point, "rename") == 0 ? EROFS : 0; }

TEST_F(HideFileTest, AFailedHideNamesBothPathsAndLeavesTheFile) {
  RealFileSystem files(root_);
  const std::string part = "/etc/network/interfaces.d/uml-agent-eth0";
  std::ofstream(root_ + part) << "first\n";
  SetFaultHookForTesting(FailRename);
  Status hidden = files.HideFile(part, HiddenPath(part));
  EXPECT_EQ(hidden.message(), "rename " + root_ + part + " to " + root_ + HiddenPath(part) +
                                  ": Read-only file system");
  EXPECT_EQ(Slurp(root_ + part), "first\n");
  SetFaultHookForTesting(nullptr);
  EXPECT_FALSE(files.HideFile("/etc/network/interfaces.d/none", "/etc/network/interfaces.d/.none").ok());
}

}  // namespace
}  // namespace umla::agent
