// The host's one way to replace a file (bake's root directories, net-setup's record),
// in a directory of the test's own: content and mode, a replace, the temp file a killed
// run left, and errors that name the file.
#include "host-bridge/files/durable_write.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "host-bridge/files/fd.h"
#include "tests/unit/slurp.h"

namespace umla::bridge {
namespace {

namespace fs = std::filesystem;

using umla::testing::Slurp;

class DurableWriteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/umla-durable-write.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    dir_fd_.reset(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(dir_fd_.ok());
  }
  void TearDown() override {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
    fs::remove_all(dir_);
  }
  // What the directory holds, "." and ".." aside, sorted.
  std::vector<std::string> Entries() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) names.push_back(entry.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }
  mode_t ModeOf(const std::string& name) const {
    struct stat st {};
    EXPECT_EQ(::lstat((dir_ + "/" + name).c_str(), &st), 0) << name;
    return st.st_mode & 07777;
  }

  std::string dir_;
  Fd dir_fd_;
  bool mounted_ = false;
};

TEST_F(DurableWriteTest, WritesContentAndModeWithNoTempLeft) {
  ASSERT_TRUE(WriteFileDurably(dir_fd_.get(), dir_, "record.json", "{}\n", 0644).ok());
  EXPECT_EQ(Slurp(dir_ + "/record.json"), "{}\n");
  EXPECT_EQ(ModeOf("record.json"), 0644u);
  ASSERT_TRUE(WriteFileDurably(dir_fd_.get(), dir_, "agent", "", 04755).ok());  // empty is fine
  EXPECT_EQ(Slurp(dir_ + "/agent"), "");
  EXPECT_EQ(ModeOf("agent"), 04755u);  // setuid and the like are kept, the type bits dropped
  EXPECT_EQ(Entries(), (std::vector<std::string>{"agent", "record.json"}));
}

TEST_F(DurableWriteTest, ReplacesAnExistingFileAndItsMode) {
  std::ofstream(dir_ + "/f") << "old content, longer than the new\n";
  ASSERT_EQ(::chmod((dir_ + "/f").c_str(), 0600), 0);
  ASSERT_TRUE(WriteFileDurably(dir_fd_.get(), dir_, "f", "new\n", 0640,
                               DirectorySync::kLeftToCaller).ok());
  EXPECT_EQ(Slurp(dir_ + "/f"), "new\n");
  EXPECT_EQ(ModeOf("f"), 0640u);
  EXPECT_EQ(Entries(), std::vector<std::string>{"f"});
}

// A run killed between creating the temp file and renaming it leaves NAME.uml-bridge.tmp:
// the next write of NAME replaces it (one temp a file, never more); a link there is
// removed, not written through.
TEST_F(DurableWriteTest, ATempFileLeftByAKilledRunIsReplaced) {
  EXPECT_EQ(DurableTempName("f"), "f.uml-bridge.tmp");
  std::ofstream(dir_ + "/f") << "old\n";
  std::ofstream(dir_ + "/f.uml-bridge.tmp") << "half of the ne";
  ASSERT_EQ(::chmod((dir_ + "/f.uml-bridge.tmp").c_str(), 0400), 0);  // not writable: recreated
  std::ofstream(dir_ + "/target") << "not to be touched\n";
  fs::create_symlink(dir_ + "/target", dir_ + "/g.uml-bridge.tmp");
  ASSERT_TRUE(WriteFileDurably(dir_fd_.get(), dir_, "f", "new\n", 0644).ok());
  ASSERT_TRUE(WriteFileDurably(dir_fd_.get(), dir_, "g", "g\n", 0644).ok());
  EXPECT_EQ(Slurp(dir_ + "/f"), "new\n");
  EXPECT_EQ(Slurp(dir_ + "/target"), "not to be touched\n");
  EXPECT_FALSE(fs::is_symlink(dir_ + "/g"));
  EXPECT_EQ(Entries(), (std::vector<std::string>{"f", "g", "target"}));
}

TEST_F(DurableWriteTest, ATempNameThatIsNoFileStopsTheWriteNamingIt) {
  std::ofstream(dir_ + "/f") << "old\n";
  fs::create_directory(dir_ + "/f.uml-bridge.tmp");
  Status written = WriteFileDurably(dir_fd_.get(), dir_, "f", "new\n", 0644);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.message(),
            dir_ + "/f.uml-bridge.tmp exists and is not a file or a link: remove it to go on");
  EXPECT_EQ(Slurp(dir_ + "/f"), "old\n");
  EXPECT_TRUE(RemoveLeftoverTemp(dir_fd_.get(), "none.uml-bridge.tmp", "none").ok());
}

// A failed replace leaves the old file and no temp file; the error names both names.
TEST_F(DurableWriteTest, AFailedRenameLeavesTheOldFileAndNoTemp) {
  fs::create_directories(dir_ + "/f/x");  // a rename cannot replace a directory that holds something
  Status written = WriteFileDurably(dir_fd_.get(), dir_, "f", "new\n", 0644);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.message().rfind("rename " + dir_ + "/f.uml-bridge.tmp to " + dir_ + "/f: ", 0),
            0u)
      << written.message();
  EXPECT_EQ(Entries(), std::vector<std::string>{"f"});
}

TEST_F(DurableWriteTest, AMissingDirectoryIsNamedInTheError) {
  ASSERT_EQ(::rmdir(dir_.c_str()), 0);  // the descriptor outlives the name
  Status written = WriteFileDurably(dir_fd_.get(), dir_, "f", "new\n", 0644);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.message(), "create " + dir_ + "/f.uml-bridge.tmp: No such file or directory");
}

TEST_F(DurableWriteTest, AReadOnlyDirectoryIsNamedInTheError) {
  if (::geteuid() == 0) {
    // Root writes through any mode bits: a read-only file system instead.
    mounted_ = ::mount("tmpfs", dir_.c_str(), "tmpfs", MS_RDONLY, "size=64k") == 0;
    if (!mounted_) GTEST_SKIP() << "root, and no tmpfs can be mounted here";
  } else {
    ASSERT_EQ(::chmod(dir_.c_str(), 0555), 0);
  }
  Fd dir_fd(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  ASSERT_TRUE(dir_fd.ok());
  Status written = WriteFileDurably(dir_fd.get(), dir_, "f", "new\n", 0644);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.message().rfind("create " + dir_ + "/f.uml-bridge.tmp: ", 0), 0u)
      << written.message();
  ::chmod(dir_.c_str(), 0700);
}

}  // namespace
}  // namespace umla::bridge
