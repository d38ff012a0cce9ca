// Baking into a root directory a guest has booted from (and so may have changed):
// symlinks in it are read as inside it (usrmerge keeps working), and none leads a
// write, a rename or a removal out of it.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "host-bridge/bake/bake_apply.h"
#include "host-bridge/bake/root_tree.h"
#include "host-bridge/commands/bake.h"
#include "tests/unit/slurp.h"

namespace umla::bridge {
namespace {

namespace fs = std::filesystem;

using umla::testing::Slurp;

void Put(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// base/root is baked; base/outside stands for the host's own files.
class DirectoryTreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/umla-bake-tree.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    base_ = pattern;
    root_ = base_ / "root";
    outside_ = base_ / "outside";
    fs::create_directories(root_);
    fs::create_directories(outside_);
    Put(outside_ / "shadow", "secret\n");
  }
  void TearDown() override { fs::remove_all(base_); }
  std::unique_ptr<RootTree> Open() {
    Result<std::unique_ptr<RootTree>> tree = OpenRootTree(root_.string());
    EXPECT_TRUE(tree.ok()) << tree.status().message();
    return tree.ok() ? std::move(*tree) : nullptr;
  }
  // Everything under outside/, with contents: must not change.
  std::string OutsideListing() {
    std::string listing;
    for (const auto& entry : fs::recursive_directory_iterator(outside_)) {
      listing += entry.path().string() + "\n";
      if (entry.is_regular_file()) listing += Slurp(entry.path());
    }
    return listing;
  }

  fs::path base_, root_, outside_;
};

TEST_F(DirectoryTreeTest, AnAbsoluteLinkOutOfTheRootIsReadInsideIt) {
  fs::create_directory_symlink(outside_, root_ / "etc");  // /etc -> the host's directory
  std::string before = OutsideListing();
  auto tree = Open();
  ASSERT_TRUE(tree);
  EXPECT_FALSE(tree->MakeDirectory("/etc/uml-agent").ok());
  EXPECT_FALSE(tree->WriteFile("/etc/shadow", "baked\n", "", 0644).ok());
  EXPECT_FALSE(tree->MakeSymlink("/etc/link", "/x").ok());
  EXPECT_FALSE(tree->ReadFile("/etc/shadow").value_or("read"));  // nor is the host's file read
  EXPECT_TRUE(tree->Remove("/etc/shadow").ok());  // not there, inside the root
  // --uninstall of a manifest naming paths under the link.
  Manifest manifest;
  manifest.Add({ManifestEntry::Kind::kEdit, "/etc/passwd", "/etc/shadow", 0644});
  manifest.Add({ManifestEntry::Kind::kFile, "/etc/shadow", "", 0644});  // undone first
  std::ostringstream out;
  EXPECT_FALSE(UndoManifest(manifest, *tree, out).ok());
  EXPECT_EQ(OutsideListing(), before);
}

TEST_F(DirectoryTreeTest, ALinkToItselfFailsWithoutWriting) {
  fs::create_directory_symlink("/etc", root_ / "etc");  // inside the root: a loop
  auto tree = Open();
  ASSERT_TRUE(tree);
  Status written = tree->WriteFile("/etc/inittab", "x\n", "", 0644);
  EXPECT_FALSE(written.ok());
  EXPECT_NE(written.message().find(root_.string() + "/etc/inittab"), std::string::npos)
      << written.message();
}

TEST_F(DirectoryTreeTest, APlantedTemporaryNameIsNotWrittenThrough) {
  fs::create_directories(root_ / "sbin");
  fs::create_symlink(outside_ / "shadow", root_ / "sbin/uml-agent.uml-bridge.tmp");
  fs::create_symlink("../../outside/shadow", root_ / "sbin/init.uml-bridge.tmp");
  std::string before = OutsideListing();
  auto tree = Open();
  ASSERT_TRUE(tree);
  ASSERT_TRUE(tree->WriteFile("/sbin/uml-agent", "agent\n", "", 0755).ok());
  ASSERT_TRUE(tree->MakeSymlink("/sbin/init", "/sbin/uml-agent").ok());
  EXPECT_EQ(OutsideListing(), before);
  EXPECT_EQ(Slurp(root_ / "sbin/uml-agent"), "agent\n");
  EXPECT_EQ((fs::status(root_ / "sbin/uml-agent").permissions() & fs::perms::all),
            static_cast<fs::perms>(0755));
  EXPECT_EQ(fs::read_symlink(root_ / "sbin/init"), "/sbin/uml-agent");
  EXPECT_FALSE(fs::exists(fs::symlink_status(root_ / "sbin/uml-agent.uml-bridge.tmp")));
  EXPECT_FALSE(fs::exists(fs::symlink_status(root_ / "sbin/init.uml-bridge.tmp")));
}

// A crash between writing and renaming leaves NAME.uml-bridge.tmp: removing NAME
// (--uninstall) removes it too, also when NAME is gone, never what a link points to.
TEST_F(DirectoryTreeTest, RemovingAPathRemovesItsLeftoverTemporaryName) {
  Put(root_ / "sbin/uml-agent", "agent\n");
  Put(root_ / "sbin/uml-agent.uml-bridge.tmp", "half an ag");
  fs::create_symlink(outside_ / "shadow", root_ / "sbin/gone.uml-bridge.tmp");
  std::string before = OutsideListing();
  auto tree = Open();
  ASSERT_TRUE(tree);
  ASSERT_TRUE(tree->Remove("/sbin/uml-agent").ok());
  ASSERT_TRUE(tree->Remove("/sbin/gone").ok());
  EXPECT_TRUE(fs::is_empty(root_ / "sbin"));
  EXPECT_EQ(OutsideListing(), before);
}

TEST_F(DirectoryTreeTest, ATemporaryNameThatIsADirectoryStopsTheWrite) {
  fs::create_directories(root_ / "sbin/uml-agent.uml-bridge.tmp");
  Put(root_ / "sbin/uml-agent", "old\n");
  auto tree = Open();
  ASSERT_TRUE(tree);
  Status written = tree->WriteFile("/sbin/uml-agent", "agent\n", "", 0755);
  ASSERT_FALSE(written.ok());
  EXPECT_NE(written.message().find("not a file or a link"), std::string::npos);
  EXPECT_EQ(Slurp(root_ / "sbin/uml-agent"), "old\n");
}

TEST_F(DirectoryTreeTest, UsrMergedLinksInsideTheRootStillWork) {
  fs::create_directories(root_ / "usr/sbin");
  fs::create_directories(root_ / "usr/lib");
  fs::create_directory_symlink("usr/sbin", root_ / "sbin");  // relative
  fs::create_directory_symlink("/usr/lib", root_ / "lib");   // absolute, within the root
  Put(root_ / "usr/lib/systemd/systemd", "systemd\n");
  auto tree = Open();
  ASSERT_TRUE(tree);
  EXPECT_EQ(tree->LinkTarget("/sbin"), "usr/sbin");
  EXPECT_TRUE(tree->IsDirectory("/usr/sbin"));
  EXPECT_FALSE(tree->IsDirectory("/sbin"));  // the link itself
  EXPECT_EQ(tree->ReadFile("/lib/systemd/systemd").value_or(std::nullopt), "systemd\n");
  ASSERT_TRUE(tree->WriteFile("/sbin/uml-agent", "agent\n", "", 0755).ok());
  ASSERT_TRUE(tree->MakeDirectory("/lib/modules").ok());
  ASSERT_TRUE(tree->WriteFile("/lib/modules/m.ko", "ko\n", "", 0644).ok());
  ASSERT_TRUE(tree->Commit().ok());
  EXPECT_EQ(Slurp(root_ / "usr/sbin/uml-agent"), "agent\n");
  EXPECT_EQ(Slurp(root_ / "usr/lib/modules/m.ko"), "ko\n");
  ASSERT_TRUE(tree->Remove("/lib/modules/m.ko").ok());
  ASSERT_TRUE(tree->RemoveDirectory("/lib/modules").ok());
  EXPECT_FALSE(fs::exists(root_ / "usr/lib/modules"));
}

TEST_F(DirectoryTreeTest, AFifoIsNotReadAsAFile) {
  fs::create_directories(root_ / "etc");
  ASSERT_EQ(mkfifo((root_ / "etc/inittab").c_str(), 0644), 0);
  auto tree = Open();
  ASSERT_TRUE(tree);
  EXPECT_TRUE(tree->Exists("/etc/inittab"));
  Result<std::optional<std::string>> read = tree->ReadFile("/etc/inittab");  // at once
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_FALSE(*read);
}

// A file larger than baking ever reads (a sparse one, as a guest could leave in its
// image) is refused, named, without taking the host's memory; bake stops there.
TEST_F(DirectoryTreeTest, AHugeFileIsNotRead) {
  fs::create_directories(root_ / "etc");
  ASSERT_EQ(truncate((root_ / "etc/inittab").c_str(), 0), -1);  // not there yet
  std::ofstream(root_ / "etc/inittab").flush();
  ASSERT_EQ(truncate((root_ / "etc/inittab").c_str(), off_t{1} << 34), 0);  // 16 GiB, sparse
  auto tree = Open();
  ASSERT_TRUE(tree);
  Result<std::optional<std::string>> read = tree->ReadFile("/etc/inittab");
  EXPECT_EQ(read.status().message(),
            (root_ / "etc/inittab").string() + " is larger than 268435456 bytes: not read");
}

// A busybox root: /sbin/init -> /bin/busybox and an /etc/inittab to edit.
class BakeCommandTest : public DirectoryTreeTest {
 protected:
  void SetUp() override {
    DirectoryTreeTest::SetUp();
    fs::create_directories(root_ / "sbin");
    fs::create_symlink("/bin/busybox", root_ / "sbin/init");
    Put(root_ / "etc/inittab", "::sysinit:/etc/init.d/rcS\n");
    Put(base_ / "uml-agent", "agent\n");
    fs::create_directories(base_ / "modules/6.1.0/kernel");
    Put(base_ / "modules/6.1.0/kernel/m.ko", "ko\n");
    options_.rootfs = root_.string();
    options_.agent = (base_ / "uml-agent").string();
    options_.modules_dir = (base_ / "modules").string();
  }
  BakeOptions options_;
};

TEST_F(BakeCommandTest, AMistypedModulesVersionChangesNothing) {
  options_.modules = "6.1.O";
  EXPECT_EQ(RunBake(options_), 2);
  EXPECT_EQ(Slurp(root_ / "etc/inittab"), "::sysinit:/etc/init.d/rcS\n");
  EXPECT_FALSE(fs::exists(root_ / "var"));
  EXPECT_FALSE(fs::exists(root_ / "sbin/uml-agent"));
  options_.modules = "../../outside";
  EXPECT_EQ(RunBake(options_), 2);
  EXPECT_FALSE(fs::exists(root_ / "var"));
}

TEST_F(BakeCommandTest, BakeAndUninstallGiveBackTheTree) {
  options_.modules = "";
  ASSERT_EQ(RunBake(options_), 0);
  EXPECT_EQ(Slurp(root_ / "sbin/uml-agent"), "agent\n");
  EXPECT_EQ(Slurp(root_ / "lib/modules/6.1.0/kernel/m.ko"), "ko\n");
  EXPECT_NE(Slurp(root_ / "etc/inittab"), "::sysinit:/etc/init.d/rcS\n");
  ASSERT_EQ(RunBake(options_), 0);  // again: changes nothing
  options_.uninstall = true;
  ASSERT_EQ(RunBake(options_), 0);
  EXPECT_EQ(Slurp(root_ / "etc/inittab"), "::sysinit:/etc/init.d/rcS\n");
  EXPECT_FALSE(fs::exists(root_ / "var"));
  EXPECT_FALSE(fs::exists(root_ / "lib"));
  EXPECT_FALSE(fs::exists(root_ / "sbin/uml-agent"));
  EXPECT_EQ(RunBake(options_), 1);  // nothing left to uninstall
}

// A second bake compares the agent in the tree with the host's: an agent with debug
// info (tens of MB) is read for that, not refused as too large.
TEST_F(BakeCommandTest, ALargeAgentIsBakedTwice) {
  options_.modules = "";
  std::string large(20u << 20, 'a');  // over what was once the limit
  Put(base_ / "uml-agent", large);
  ASSERT_EQ(RunBake(options_), 0);
  ASSERT_EQ(RunBake(options_), 0);
  EXPECT_EQ(fs::file_size(root_ / "sbin/uml-agent"), large.size());
}

// init= is a program only as a regular file: a link under /usr/sbin (with a real
// /sbin) is followed to systemd, as a device node or FIFO is no program at all.
TEST_F(BakeCommandTest, OnlyARegularFileIsTakenForAnInitProgram) {
  options_.modules = "";
  fs::remove(root_ / "sbin/init");
  fs::remove(root_ / "etc/inittab");
  fs::create_directories(root_ / "usr/sbin");
  fs::create_symlink("../../lib/systemd/systemd", root_ / "usr/sbin/init");
  Put(root_ / "lib/systemd/systemd", "systemd\n");
  ASSERT_EQ(mkfifo((root_ / "sbin/init").c_str(), 0644), 0);
  ASSERT_EQ(RunBake(options_), 0);
  EXPECT_TRUE(fs::exists(root_ / "etc/systemd/system/uml-agent.service"));
  // No /sbin/init to exec: the wrapper is told where systemd is.
  EXPECT_EQ(Slurp(root_ / "etc/uml-agent/kernel-args"),
            "init=/sbin/uml-agent uml_agent.ready.late=yes "
            "uml_agent.init.exec=/lib/systemd/systemd\n");
}

// A device node under a name bake reads is not opened (opening one may act), only
// taken as no file.
TEST_F(DirectoryTreeTest, ADeviceNodeIsNotReadAsAFile) {
  fs::create_directories(root_ / "etc");
  if (mknod((root_ / "etc/inittab").c_str(), S_IFCHR | 0600, makedev(1, 3)) != 0) {
    GTEST_SKIP() << "mknod needs root";
  }
  auto tree = Open();
  ASSERT_TRUE(tree);
  Result<std::optional<std::string>> read = tree->ReadFile("/etc/inittab");
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_FALSE(*read);
  EXPECT_FALSE(tree->IsRegularFile("/etc/inittab"));
}

TEST_F(BakeCommandTest, ACorruptManifestStopsTheBake) {
  Put(root_ / "var/lib/uml-agent/bake-manifest.json", "{not json");
  EXPECT_EQ(RunBake(options_), 2);
  EXPECT_EQ(Slurp(root_ / "var/lib/uml-agent/bake-manifest.json"), "{not json");
  EXPECT_EQ(Slurp(root_ / "etc/inittab"), "::sysinit:/etc/init.d/rcS\n");
}

}  // namespace
}  // namespace umla::bridge
