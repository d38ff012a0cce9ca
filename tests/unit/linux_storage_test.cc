// The Linux storage seams on a real directory tree (--root): block devices from
// sysfs and from /proc/partitions, node replacement keeping mode and owner, /proc
// files missing from an image tree.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "agent/system/device_nodes.h"
#include "agent/system/file_system.h"
#include "agent/system/guest_root.h"
#include "agent/core/proc_tables.h"
#include "agent/system/mounts.h"

namespace umla::agent {
namespace {

class RootTree : public testing::Test {
 protected:
  RootTree() {
    char pattern[] = "/tmp/umla-storage-test.XXXXXX";
    root = mkdtemp(pattern);
  }
  ~RootTree() override { std::filesystem::remove_all(root); }
  void Write(const std::string& path, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(root + path).parent_path());
    std::ofstream(root + path) << text;
  }
  std::string root;
};

// Under --root the tree's own symlinks are followed inside the tree, as the guest
// would see them: an absolute one starts at the tree's root, ".." stops there, the last
// component is left for the caller (which replaces a symlink, never writes through it).
TEST_F(RootTree, TheTreesSymlinksResolveInsideIt) {
  std::filesystem::create_directories(root + "/real-etc");
  std::filesystem::create_symlink("/real-etc", root + "/etc");
  std::filesystem::create_symlink("../../../../../../../tmp", root + "/up");
  std::filesystem::create_symlink("/run/x", root + "/real-etc/resolv.conf");
  std::filesystem::create_symlink("loop", root + "/loop");
  GuestRoot tree(root);
  EXPECT_EQ(tree.HostPath("/etc/fstab"), root + "/real-etc/fstab");
  EXPECT_EQ(tree.HostPath("/up/x"), root + "/tmp/x");
  EXPECT_EQ(tree.HostPath("/etc/resolv.conf"), root + "/real-etc/resolv.conf");
  EXPECT_EQ(tree.HostPath("/a/../../etc/./fstab"), root + "/real-etc/fstab");
  // No symlink is left for the kernel: a loop is a path every call fails on.
  EXPECT_EQ(tree.HostPath("/loop/x").rfind("/dev/null/", 0), 0u) << tree.HostPath("/loop/x");
  EXPECT_EQ(tree.FollowPath("/etc/resolv.conf"), root + "/run/x");
  EXPECT_EQ(GuestRoot("/").HostPath("/etc/fstab"), "/etc/fstab");
}

// A chain long enough to outlast any count of links, ending in a link out of the tree:
// refused, where the kernel, given the chain's end, would have followed it out.
TEST_F(RootTree, ALongSymlinkChainIsRefusedNotLeftToTheKernel) {
  char pattern[] = "/tmp/umla-outside.XXXXXX";
  std::string outside = mkdtemp(pattern);
  std::filesystem::create_symlink(outside, root + "/l40");
  for (int i = 39; i >= 0; --i) {
    std::filesystem::create_symlink("l" + std::to_string(i + 1), root + "/l" + std::to_string(i));
  }
  std::filesystem::create_symlink("l0", root + "/etc");
  GuestRoot tree(root);
  EXPECT_EQ(tree.HostPath("/etc/fstab").rfind("/dev/null/", 0), 0u) << tree.HostPath("/etc/fstab");
  RealFileSystem files(root);
  EXPECT_FALSE(files.WriteFileAtomic("/etc/fstab", "x\n").ok());
  EXPECT_TRUE(std::filesystem::is_empty(outside));
  std::filesystem::remove_all(outside);
}

// Reads in a tree follow a symlink inside it and take only regular files: an image's
// /etc/fstab linked to this machine's /etc/shadow, or made a device node, is not read.
TEST_F(RootTree, ReadsStayInTheTreeAndTakeOnlyRegularFiles) {
  if (geteuid() != 0) GTEST_SKIP() << "mknod needs root";
  std::filesystem::create_directories(root + "/etc");
  std::filesystem::create_directories(root + "/dev");
  std::filesystem::create_symlink("/etc/hostname", root + "/etc/fstab");
  ASSERT_EQ(::mknod((root + "/dev/zero").c_str(), S_IFCHR | 0666, makedev(1, 5)), 0);
  std::filesystem::create_symlink("/dev/zero", root + "/etc/resolv.conf");
  RealFileSystem files(root);
  Result<std::optional<std::string>> fstab = files.ReadFileIfPresent("/etc/fstab");
  EXPECT_FALSE(fstab.ok());  // a symlink to nowhere in the tree, not this machine's file
  Write("/etc/hostname", "image\n");
  EXPECT_EQ(files.ReadFile("/etc/fstab").value_or(""), "image\n");
  Result<std::string> zero = files.ReadFile("/etc/resolv.conf");
  ASSERT_FALSE(zero.ok());
  EXPECT_NE(zero.status().message().find("not a regular file"), std::string::npos);
}

// An image whose /etc is a symlink to an absolute path of this machine: the agent's
// write lands in the tree (or fails), never in this machine's directory.
TEST_F(RootTree, AnImagesAbsoluteSymlinkNeverLeadsAWriteOutOfTheTree) {
  char pattern[] = "/tmp/umla-outside.XXXXXX";
  std::string outside = mkdtemp(pattern);
  std::filesystem::create_symlink(outside, root + "/etc");
  RealFileSystem files(root);
  Status written = files.WriteFileAtomic("/etc/fstab", "none /mnt/host hostfs defaults 0 0\n");
  EXPECT_TRUE(std::filesystem::is_empty(outside));
  if (written.ok()) {
    EXPECT_TRUE(std::filesystem::exists(root + outside + "/fstab"));
  }
  std::filesystem::remove_all(outside);
}

TEST_F(RootTree, BlockDevicesFromSysfsWithPartitions) {
  Write("/sys/block/ubda/dev", "98:0\n");
  Write("/sys/block/ubdb/dev", "98:16\n");
  Write("/sys/block/ubdb/ubdb1/dev", "98:17\n");
  Write("/sys/block/ubdb/queue/scheduler", "none\n");  // not a partition
  LinuxDeviceNodes nodes(root);
  auto devices = nodes.ListBlockDevices();
  ASSERT_TRUE(devices.ok()) << devices.status().message();
  ASSERT_EQ(devices->size(), 3u);
  EXPECT_EQ((*devices)[2].name, "ubdb1");
  EXPECT_EQ((*devices)[2].minor, 17u);
}

TEST_F(RootTree, BlockDevicesFallBackToProcPartitions) {
  Write("/proc/partitions",
        "major minor  #blocks  name\n\n  98  0  65536 ubda\n  98  16  32768 ubdb\n");
  LinuxDeviceNodes nodes(root);
  auto devices = nodes.ListBlockDevices();
  ASSERT_TRUE(devices.ok());
  ASSERT_EQ(devices->size(), 2u);
  EXPECT_EQ((*devices)[1].name, "ubdb");
}

TEST_F(RootTree, ProcPartitionsIsReadFirstAndOnce) {
  Write("/proc/partitions", "major minor  #blocks  name\n\n  98  0  65536 ubda\n");
  Write("/sys/block/ubdb/dev", "98:16\n");
  LinuxDeviceNodes nodes(root);
  auto devices = nodes.ListBlockDevices();
  ASSERT_TRUE(devices.ok());
  ASSERT_EQ(devices->size(), 1u);
  EXPECT_EQ((*devices)[0].name, "ubda");
  Write("/proc/partitions", "major minor  #blocks  name\n");  // the kernel's disks stay
  EXPECT_EQ(nodes.ListBlockDevices()->size(), 1u);
}

TEST_F(RootTree, NoSourceAtAllNamesBoth) {
  LinuxDeviceNodes nodes(root);
  auto devices = nodes.ListBlockDevices();
  ASSERT_FALSE(devices.ok());
  EXPECT_NE(devices.status().message().find("/sys/block"), std::string::npos);
  EXPECT_NE(devices.status().message().find("/proc/partitions"), std::string::npos);
}

TEST_F(RootTree, ReplacingANodeKeepsModeAndOwner) {
  if (geteuid() != 0) GTEST_SKIP() << "mknod needs root";
  std::filesystem::create_directories(root + "/dev/ubd");
  ASSERT_EQ(mknod((root + "/dev/ubd/1").c_str(), S_IFBLK | 0600, makedev(98, 1)), 0);
  LinuxDeviceNodes nodes(root);
  auto before = nodes.Lstat("/dev/ubd/1");
  ASSERT_TRUE(before.ok() && before->has_value());
  NodeStat wanted = **before;
  wanted.minor = 16;
  wanted.mode = 0640;
  wanted.gid = 6;
  ASSERT_TRUE(nodes.MakeBlockNode("/dev/ubd/1", wanted).ok());
  struct stat st;
  ASSERT_EQ(lstat((root + "/dev/ubd/1").c_str(), &st), 0);
  EXPECT_TRUE(S_ISBLK(st.st_mode));
  EXPECT_EQ(minor(st.st_rdev), 16u);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  EXPECT_EQ(st.st_gid, 6u);
  EXPECT_FALSE(std::filesystem::exists(root + "/dev/ubd/1.uml-agent.tmp"));
  auto missing = nodes.Lstat("/dev/ubd/9");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  ASSERT_TRUE(nodes.Remove("/dev/ubd/1").ok());
  EXPECT_TRUE(nodes.ListDirectory("/dev/ubd")->empty());
}

// Root creating a root-owned node takes the short path (mknod with the final mode,
// no chown or chmod); a stale temp node from a killed run is replaced.
TEST_F(RootTree, ANewRootOwnedNodeGetsItsModeAndAStaleTempIsReplaced) {
  if (geteuid() != 0) GTEST_SKIP() << "mknod needs root";
  std::filesystem::create_directories(root + "/dev");
  ASSERT_EQ(mknod((root + "/dev/ubdb.uml-agent.tmp").c_str(), S_IFBLK | 0600, makedev(98, 1)), 0);
  LinuxDeviceNodes nodes(root);
  ExactCreationModes exact_modes;  // as the agent's boot runs
  NodeStat wanted;
  wanted.major = 98;
  wanted.minor = 16;
  wanted.mode = 0660;
  wanted.uid = 0;
  wanted.gid = 0;
  ASSERT_TRUE(nodes.MakeBlockNode("/dev/ubdb", wanted).ok());
  struct stat st;
  ASSERT_EQ(lstat((root + "/dev/ubdb").c_str(), &st), 0);
  EXPECT_EQ(minor(st.st_rdev), 16u);
  EXPECT_EQ(st.st_mode & 07777, 0660u);
  EXPECT_FALSE(std::filesystem::exists(root + "/dev/ubdb.uml-agent.tmp"));
}

// Where the instance saw nothing, the node is made in place (no temp name: one there
// that no temp node could replace, a non-empty directory, does not matter); should
// something have appeared meanwhile, it is replaced all the same.
TEST_F(RootTree, ANodeSeenMissingIsMadeInPlaceAndOneThatAppearedIsReplaced) {
  if (geteuid() != 0) GTEST_SKIP() << "mknod needs root";
  std::filesystem::create_directories(root + "/dev/ubdb.uml-agent.tmp/in-the-way");
  LinuxDeviceNodes nodes(root);
  ExactCreationModes exact_modes;
  NodeStat wanted;
  wanted.major = 98;
  wanted.minor = 16;
  wanted.mode = 0660;
  for (const char* path : {"/dev/ubdb", "/dev/ubd1"}) {
    auto missing = nodes.Lstat(path);
    ASSERT_TRUE(missing.ok() && !missing->has_value());
  }
  Write("/dev/ubd1", "appeared after the lstat");
  for (const char* path : {"/dev/ubdb", "/dev/ubd1"}) {
    ASSERT_TRUE(nodes.MakeBlockNode(path, wanted).ok()) << path;
    struct stat st;
    ASSERT_EQ(lstat((root + path).c_str(), &st), 0);
    EXPECT_TRUE(S_ISBLK(st.st_mode)) << path;
    EXPECT_EQ(minor(st.st_rdev), 16u) << path;
    EXPECT_EQ(st.st_mode & 07777, 0660u) << path;
  }
  EXPECT_FALSE(std::filesystem::exists(root + "/dev/ubd1.uml-agent.tmp"));
  EXPECT_TRUE(std::filesystem::exists(root + "/dev/ubdb.uml-agent.tmp/in-the-way"));
}

// What one instance has seen of a node is kept, and its own changes keep it true.
TEST_F(RootTree, NodesAreStatedAndReadOnceAndTheirOwnChangesAreSeen) {
  Write("/dev/ubdb", "swap signature here");
  LinuxDeviceNodes nodes(root);
  auto start = nodes.ReadStart("/dev/ubdb", 4);
  ASSERT_TRUE(start.ok());
  EXPECT_EQ(*start, "swap");
  auto before = nodes.Lstat("/dev/ubdb");
  ASSERT_TRUE(before.ok() && before->has_value());
  Write("/dev/ubdb", "changed by someone else");
  EXPECT_EQ(*nodes.ReadStart("/dev/ubdb", 4), "swap");
  EXPECT_EQ(*nodes.ReadStart("/dev/ubdb", 7), "changed");  // another length: read
  ASSERT_TRUE(nodes.Remove("/dev/ubdb").ok());
  auto gone = nodes.Lstat("/dev/ubdb");
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  EXPECT_FALSE(nodes.ReadStart("/dev/ubdb", 4).ok());
  if (geteuid() != 0) return;  // mknod needs root
  NodeStat wanted;
  wanted.major = 98;
  wanted.minor = 16;
  wanted.mode = 0660;
  ASSERT_TRUE(nodes.MakeBlockNode("/dev/ubdb", wanted).ok());
  auto made = nodes.Lstat("/dev/ubdb");
  ASSERT_TRUE(made.ok() && made->has_value());
  EXPECT_EQ((*made)->kind, NodeKind::kBlock);
  EXPECT_EQ((*made)->minor, 16u);
}

// For the steps of a run the mount table is read once (or handed over by the early
// mounts) and keeps the mounts made through the seam.
TEST_F(RootTree, ARememberedMountTableIsReadOnceAndKeepsItsOwnMounts) {
  Write("/proc/self/mounts", "/dev/root / ext4 rw 0 0\n");
  LinuxMounts mounts(root);
  EXPECT_EQ(mounts.ReadMounts().value_or(""), "/dev/root / ext4 rw 0 0\n");
  mounts.RememberTable(true);
  ASSERT_EQ(mounts.ReadMounts().value_or(""), "/dev/root / ext4 rw 0 0\n");
  Write("/proc/self/mounts", "changed\n");
  EXPECT_EQ(mounts.ReadMounts().value_or(""), "/dev/root / ext4 rw 0 0\n");
  mounts.RememberTable(true, std::string("proc /proc proc rw 0 0\n"));
  EXPECT_EQ(mounts.ReadMounts().value_or(""), "proc /proc proc rw 0 0\n");
  int hooked = 0;
  mounts.AfterEachMount([&hooked] { ++hooked; });
  if (geteuid() == 0) {
    std::filesystem::create_directories(root + "/mnt/t");
    ASSERT_TRUE(mounts.Mount({"tmpfs", "/mnt/t", "tmpfs", false, "size=64k"}).ok());
    auto table = ParseProcMounts(mounts.ReadMounts().value_or(""));
    umount2((root + "/mnt/t").c_str(), MNT_DETACH);
    ASSERT_EQ(table.size(), 2u);
    EXPECT_EQ(table[1].target, root + "/mnt/t");  // as /proc/self/mounts names it
    EXPECT_EQ(table[1].type, "tmpfs");
    EXPECT_EQ(hooked, 1);
  }
  mounts.RememberTable(false);
  EXPECT_EQ(mounts.ReadMounts().value_or(""), "changed\n");
}

// The module tree's mount makes its mount point when missing, and a kernel without
// hostfs (as this machine's, where the unit tests run) is a "no", not an error.
TEST_F(RootTree, AHostfsMountOnAKernelWithoutHostfsIsANo) {
  if (geteuid() != 0) GTEST_SKIP() << "mount(2) needs root";
  LinuxMounts mounts(root);
  Result<HostfsMount> mounted =
      mounts.MountHostfsReadOnly("/usr/lib/uml/modules/x", "/lib/modules/x");
  ASSERT_TRUE(mounted.ok()) << mounted.status().message();
  EXPECT_EQ(*mounted, HostfsMount::kNoHostfs);
  EXPECT_TRUE(std::filesystem::is_directory(root + "/lib/modules/x"));
}

TEST_F(RootTree, TheRootFilesystemsDeviceIsTheTreesOwn) {
  LinuxDeviceNodes nodes(root);
  struct stat st;
  ASSERT_EQ(::stat(root.c_str(), &st), 0);
  std::optional<BlockDeviceInfo> device = nodes.RootFilesystemDevice();
  if (major(st.st_dev) == 0) {
    EXPECT_FALSE(device.has_value());  // e.g. a tmpfs: no block device
  } else {
    ASSERT_TRUE(device.has_value());
    EXPECT_EQ(device->major, major(st.st_dev));
    EXPECT_EQ(device->minor, minor(st.st_dev));
  }
}

// On the running system the swap table is this machine's: with no swap on, its
// header alone without reading it (sysinfo), else the table itself.
TEST(LinuxMountsTest, TheRunningSystemsSwapTableIsTheKernels) {
  LinuxMounts mounts("/");
  auto swaps = mounts.ReadSwaps();
  ASSERT_TRUE(swaps.ok()) << swaps.status().message();
  auto table = ReadHostFile("/proc/swaps");
  ASSERT_TRUE(table.ok());
  struct sysinfo info {};
  ASSERT_EQ(::sysinfo(&info), 0);
  if (info.totalswap == 0) {
    EXPECT_EQ(*swaps, kProcSwapsHeader);  // told, not read
    EXPECT_EQ(*table, kProcSwapsHeader);  // what reading it gives
  } else {
    EXPECT_EQ(*swaps, *table);
  }
}

TEST_F(RootTree, AnImageTreeHasNoProcTablesAndGetsMountPoints) {
  LinuxMounts mounts(root);
  auto swaps = mounts.ReadSwaps();
  ASSERT_TRUE(swaps.ok());
  EXPECT_EQ(*swaps, "");
  ASSERT_TRUE(mounts.MakeMountPoint("/mnt/host").ok());
  EXPECT_TRUE(std::filesystem::is_directory(root + "/mnt/host"));
  ASSERT_TRUE(mounts.MakeMountPoint("/mnt/host").ok());  // already there: fine
  Write("/file", "x");
  EXPECT_FALSE(mounts.MakeMountPoint("/file").ok());
}

}  // namespace
}  // namespace umla::agent
