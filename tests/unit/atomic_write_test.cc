// Crash safety of the one function every file change goes through: killed at random
// points, failed at each system call, out of space, read-only: the file is always the
// complete old or the complete new content, and the backup is never lost.
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "agent/system/file_system.h"
#include "tests/unit/slurp.h"
#include "tests/unit/temp_dir.h"

namespace umla::agent {
namespace {

namespace fs = std::filesystem;

using umla::testing::Slurp;

class AtomicWriteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.empty());
    old_content_ = std::string(300000, 'o') + "\nold end\n";
    new_content_ = std::string(200000, 'n') + "\nnew end\n";
  }
  void TearDown() override {
    SetFaultHookForTesting(nullptr);
    if (mounted_) umount2(dir_.c_str(), MNT_DETACH);
  }
  bool MountTmpfs(const char* options) {
    if (geteuid() != 0) return false;
    mounted_ = mount("tmpfs", dir_.c_str(), "tmpfs", 0, options) == 0;
    return mounted_;
  }
  void ExpectOldOrNew(const fs::path& path) {
    std::string content = Slurp(path);
    EXPECT_TRUE(content == old_content_ || content == new_content_)
        << path << " holds " << content.size() << " bytes of neither version";
  }
  // /f holds the new content, its backup the old, and no temp file is left.
  void ExpectReplacedWithBackup() {
    EXPECT_EQ(Slurp(dir_ + "/f"), new_content_);
    EXPECT_EQ(Slurp(dir_ + "/f" + kBackupSuffix), old_content_);
    ExpectNoTempFiles();
  }
  void ExpectNoTempFiles() {
    for (const auto& entry : fs::directory_iterator(dir_)) {
      EXPECT_EQ(entry.path().string().find(".uml-agent.tmp"), std::string::npos) << entry.path();
    }
  }

  umla::testing::TempDir temp_{"atomic"};
  std::string dir_ = temp_.path();
  std::string old_content_, new_content_;
  bool mounted_ = false;
};

// ifupdown's `source /etc/network/interfaces.d/*` reads every name there: the temp file
// of a write the power cut short must be one it passes over, like the backups.
TEST_F(AtomicWriteTest, TempFileInAScannedDirectoryIsHidden) {
  static std::string scanned;
  static std::vector<std::string> seen;
  scanned = dir_ + "/etc/network/interfaces.d";
  seen.clear();
  fs::create_directories(scanned);
  RealFileSystem files(dir_);
  ASSERT_TRUE(files.WriteFileAtomic("/etc/network/interfaces.d/uml-agent-eth0", "old\n").ok());
  SetFaultHookForTesting([](const char* point) {
    if (std::strcmp(point, "write") == 0) {
      for (const auto& entry : fs::directory_iterator(scanned)) {
        seen.push_back(entry.path().filename().string());
      }
    }
    return 0;
  });
  ASSERT_TRUE(files.WriteFileAtomic("/etc/network/interfaces.d/uml-agent-eth0", "new\n").ok());
  SetFaultHookForTesting(nullptr);
  EXPECT_NE(std::find(seen.begin(), seen.end(), ".uml-agent-eth0.uml-agent.tmp"), seen.end());
  for (const auto& name : seen) {
    EXPECT_TRUE(name == "uml-agent-eth0" || name[0] == '.') << name << " would be read by ifupdown";
  }
}

TEST_F(AtomicWriteTest, WritesKeepsABackupAndIsIdempotent) {
  RealFileSystem files(dir_);
  ASSERT_TRUE(files.WriteFileAtomic("/f", old_content_).ok());
  EXPECT_FALSE(fs::exists(dir_ + "/f" + kBackupSuffix));  // nothing to back up yet
  ASSERT_TRUE(files.WriteFileAtomic("/f", new_content_).ok());
  EXPECT_EQ(Slurp(dir_ + "/f"), new_content_);
  EXPECT_EQ(Slurp(dir_ + "/f" + kBackupSuffix), old_content_);
  auto before = fs::last_write_time(dir_ + "/f");
  ASSERT_TRUE(files.WriteFileAtomic("/f", new_content_).ok());  // same content: untouched
  EXPECT_EQ(fs::last_write_time(dir_ + "/f"), before);
  EXPECT_EQ(Slurp(dir_ + "/f" + kBackupSuffix), old_content_);
  ExpectNoTempFiles();
}

TEST_F(AtomicWriteTest, TheBackupIsTheOldFileItself) {
  RealFileSystem files(dir_);
  ASSERT_TRUE(files.WriteFileAtomic("/f", old_content_).ok());
  struct stat old_file;
  ASSERT_EQ(stat((dir_ + "/f").c_str(), &old_file), 0);
  ASSERT_TRUE(files.WriteFileAtomic("/f", new_content_).ok());
  struct stat backup, replaced;
  ASSERT_EQ(stat((dir_ + "/f" + kBackupSuffix).c_str(), &backup), 0);
  ASSERT_EQ(stat((dir_ + "/f").c_str(), &replaced), 0);
  EXPECT_EQ(backup.st_ino, old_file.st_ino);  // a link, not a copy: nothing written
  EXPECT_NE(replaced.st_ino, old_file.st_ino);
  EXPECT_EQ(backup.st_nlink, 1u);  // the temp name is gone
  ExpectNoTempFiles();
}

int FailLink(const char* point) { return std::strcmp(point, "link") == 0 ? EPERM : 0; }

TEST_F(AtomicWriteTest, WithoutHardLinksTheBackupIsACopy) {
  RealFileSystem files(dir_);
  ASSERT_TRUE(files.WriteFileAtomic("/f", old_content_).ok());
  SetFaultHookForTesting(FailLink);  // as on a filesystem without hard links
  ASSERT_TRUE(files.WriteFileAtomic("/f", new_content_).ok());
  ExpectReplacedWithBackup();
}

// A run that failed after making the backup a link to the file leaves the two names
// on one inode: the next write must still end with the backup and no temp file.
TEST_F(AtomicWriteTest, ABackupThatIsTheFileItselfIsHandled) {
  RealFileSystem files(dir_);
  ASSERT_TRUE(files.WriteFileAtomic("/f", old_content_).ok());
  fs::create_hard_link(dir_ + "/f", dir_ + "/f" + kBackupSuffix);
  ASSERT_TRUE(files.WriteFileAtomic("/f", new_content_).ok());
  ExpectReplacedWithBackup();
}

TEST_F(AtomicWriteTest, ADanglingSymlinkIsAnErrorNotAMissingFile) {
  RealFileSystem files(dir_);
  fs::create_symlink("/nonexistent/umla-target", dir_ + "/f");
  Result<std::optional<std::string>> read = files.ReadFileIfPresent("/f");
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find(dir_ + "/f"), std::string::npos);
}

// /etc/resolv.conf is often a symlink (to a file another program rewrites, or into an
// empty /tmp): replaced by a file of the agent's, the link itself is the backup, so
// putting it back restores the link; a leftover temp of a killed run is taken over.
TEST_F(AtomicWriteTest, ASymlinkIsReplacedByAFileAndKeptAsTheBackup) {
  RealFileSystem files(dir_);
  std::ofstream(dir_ + "/real") << old_content_;
  fs::create_symlink("real", dir_ + "/f");
  std::ofstream(dir_ + "/f" + kBackupSuffix + ".uml-agent.tmp") << "half";
  ASSERT_TRUE(files.WriteFileAtomic("/f", new_content_).ok());
  EXPECT_FALSE(fs::is_symlink(dir_ + "/f"));
  EXPECT_EQ(Slurp(dir_ + "/f"), new_content_);
  ASSERT_TRUE(fs::is_symlink(dir_ + "/f" + kBackupSuffix));
  EXPECT_EQ(fs::read_symlink(dir_ + "/f" + kBackupSuffix), "real");
  ExpectNoTempFiles();

  fs::create_symlink("tmp/resolv.conf", dir_ + "/dangling");
  ASSERT_TRUE(files.WriteFileAtomic("/dangling", new_content_).ok());
  EXPECT_EQ(Slurp(dir_ + "/dangling"), new_content_);
  EXPECT_EQ(fs::read_symlink(dir_ + "/dangling" + kBackupSuffix), "tmp/resolv.conf");
}

// In a directory whose every entry a distribution reads as configuration, the backups
// get hidden names (ifupdown's "source DIR/*" would read a visible one as a second
// stanza for the interface); elsewhere they sit beside the file. Links and copies alike.
TEST_F(AtomicWriteTest, BackupsWhereEveryFileIsReadAsConfigurationAreHidden) {
  for (bool links : {true, false}) {
    SCOPED_TRACE(links ? "hard links" : "copies");
    fs::remove_all(dir_);
    fs::create_directories(dir_ + "/etc/network/interfaces.d");
    fs::create_directories(dir_ + "/etc/sysconfig/network-scripts");
    RealFileSystem files(dir_);
    if (!links) SetFaultHookForTesting(FailLink);
    for (const std::string path : {"/etc/network/interfaces.d/uml-agent-eth0",
                                   "/etc/sysconfig/network-scripts/ifcfg-eth0", "/etc/fstab"}) {
      SCOPED_TRACE(path);
      for (const char* content : {"first\n", "second\n", "third\n"}) {
        ASSERT_TRUE(files.WriteFileAtomic(path, content).ok());
      }
      bool hidden = path != "/etc/fstab";
      std::string base = hidden ? HiddenPath(path) : path;
      EXPECT_EQ(BackupPath(path), base + kBackupSuffix);
      EXPECT_EQ(Slurp(dir_ + base + kBackupSuffix), "first\n");
      EXPECT_EQ(Slurp(dir_ + base + kPreviousSuffix), "second\n");
      EXPECT_EQ(fs::exists(dir_ + path + kBackupSuffix), !hidden);
      EXPECT_EQ(fs::exists(dir_ + path + kPreviousSuffix), !hidden);
    }
    SetFaultHookForTesting(nullptr);
  }
  // Only those directories themselves, by the path's end (guest or host paths alike).
  EXPECT_EQ(OldVersionBase("/etc/network/interfaces"), "/etc/network/interfaces");
  EXPECT_EQ(OldVersionBase("/etc/network/interfaces.d/sub/x"), "/etc/network/interfaces.d/sub/x");
  EXPECT_EQ(OldVersionBase("/tmp/root/etc/network/interfaces.d/x"),
            "/tmp/root/etc/network/interfaces.d/.x");
}

// The first backup is the file before the agent first changed it, whatever runs come
// after (other settings, a hand edit in between); the version each later change
// replaces is kept as the previous one. Also where the backups are copies.
TEST_F(AtomicWriteTest, TheFirstBackupStaysAndLaterChangesKeepThePreviousVersion) {
  for (bool links : {true, false}) {
    SCOPED_TRACE(links ? "hard links" : "copies");
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    RealFileSystem files(dir_);
    ASSERT_TRUE(files.WriteFileAtomic("/f", "original\n").ok());
    if (!links) SetFaultHookForTesting(FailLink);
    ASSERT_TRUE(files.WriteFileAtomic("/f", "agent, first settings\n").ok());
    EXPECT_FALSE(fs::exists(dir_ + "/f" + kPreviousSuffix));
    std::ofstream(dir_ + "/f") << "edited by hand\n";
    ASSERT_TRUE(files.WriteFileAtomic("/f", "agent, other settings\n").ok());
    EXPECT_EQ(Slurp(dir_ + "/f" + kBackupSuffix), "original\n");
    EXPECT_EQ(Slurp(dir_ + "/f" + kPreviousSuffix), "edited by hand\n");
    ASSERT_TRUE(files.WriteFileAtomic("/f", "agent, third settings\n").ok());
    EXPECT_EQ(Slurp(dir_ + "/f" + kBackupSuffix), "original\n");
    EXPECT_EQ(Slurp(dir_ + "/f" + kPreviousSuffix), "agent, other settings\n");
    SetFaultHookForTesting(nullptr);
    ExpectNoTempFiles();
  }
}

TEST_F(AtomicWriteTest, TheCallersCurrentContentSparesAReadAndSameContentIsUntouched) {
  RealFileSystem files(dir_);
  ASSERT_TRUE(files.WriteFileAtomic("/f", old_content_).ok());
  auto before = fs::last_write_time(dir_ + "/f");
  ASSERT_TRUE(files.WriteFileAtomic("/f", old_content_, &old_content_).ok());
  EXPECT_EQ(fs::last_write_time(dir_ + "/f"), before);
  ASSERT_TRUE(files.WriteFileAtomic("/f", new_content_, &old_content_).ok());
  EXPECT_EQ(Slurp(dir_ + "/f"), new_content_);
  EXPECT_EQ(Slurp(dir_ + "/f" + kBackupSuffix), old_content_);
}

TEST_F(AtomicWriteTest, ReadIfPresentTellsMissingFromEmptyAndNamesWhatFails) {
  RealFileSystem files(dir_);
  Result<std::optional<std::string>> missing = files.ReadFileIfPresent("/none");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  std::ofstream(dir_ + "/empty");
  Result<std::optional<std::string>> empty = files.ReadFileIfPresent("/empty");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->value_or("missing"), "");
  std::ofstream(dir_ + "/real") << "through the link\n";
  fs::create_symlink("real", dir_ + "/link");
  Result<std::optional<std::string>> linked = files.ReadFileIfPresent("/link");
  ASSERT_TRUE(linked.ok());
  EXPECT_EQ(linked->value_or("missing"), "through the link\n");
  fs::create_directory(dir_ + "/dir");
  Result<std::optional<std::string>> directory = files.ReadFileIfPresent("/dir");
  ASSERT_FALSE(directory.ok());
  EXPECT_NE(directory.status().message().find(dir_ + "/dir"), std::string::npos);
}

TEST_F(AtomicWriteTest, FirstLineReadsStopAtTheNewline) {
  std::ofstream(dir_ + "/cmdline") << std::string(20000, 'x') << "\nsecond line\n";
  Result<std::string> long_line = ReadHostFirstLine(dir_ + "/cmdline");
  ASSERT_TRUE(long_line.ok());
  EXPECT_EQ(*long_line, std::string(20000, 'x'));  // longer than one read
  std::ofstream(dir_ + "/no-newline") << "98:16";
  EXPECT_EQ(ReadHostFirstLine(dir_ + "/no-newline").value_or("?"), "98:16");
  Result<std::string> too_long = ReadHostFirstLine(dir_ + "/cmdline", 10000);
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.status().message().find(dir_ + "/cmdline"), std::string::npos);
  Result<std::string> missing = ReadHostFirstLine(dir_ + "/none");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find(dir_ + "/none"), std::string::npos);

  // It does not wait for the end of the file: a writer that stays open after its line
  // closes only once the read returned (or after 10 s, which a read to EOF would need).
  std::string fifo = dir_ + "/fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::atomic<bool> returned{false};
  std::atomic<bool> returned_before_close{false};
  std::thread writer([&] {
    int fd = open(fifo.c_str(), O_WRONLY);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(write(fd, "line\n", 5), 5);
    for (int i = 0; i < 1000 && !returned; ++i) usleep(10000);
    returned_before_close = returned.load();
    close(fd);
  });
  Result<std::string> line = ReadHostFirstLine(fifo);
  returned = true;
  writer.join();
  EXPECT_EQ(line.value_or("?"), "line");
  EXPECT_TRUE(returned_before_close);
}

TEST_F(AtomicWriteTest, KeepsModeOfTheReplacedFile) {
  RealFileSystem files(dir_);
  ASSERT_TRUE(files.WriteFileAtomic("/f", old_content_).ok());
  fs::permissions(dir_ + "/f", fs::perms(0600));
  ASSERT_TRUE(files.WriteFileAtomic("/f", new_content_).ok());
  EXPECT_EQ(fs::status(dir_ + "/f").permissions() & fs::perms::mask, fs::perms(0600));
}

// A writer killed between creating its temp files and renaming them leaves them
// behind; the next write must not trip over them (nor leave them).
// (The backup's temp name is only used to replace a backup that exists: the first
// backup is linked under its own name.)
TEST_F(AtomicWriteTest, LeftoverTempFilesOfAKilledWriterAreReplaced) {
  RealFileSystem files(dir_);
  ASSERT_TRUE(files.WriteFileAtomic("/f", old_content_).ok());
  ASSERT_TRUE(files.WriteFileAtomic("/f", "first\n").ok());
  std::ofstream(dir_ + "/f.uml-agent.tmp") << "half";
  std::ofstream(dir_ + "/f" + kPreviousSuffix + ".uml-agent.tmp") << "half";
  ASSERT_TRUE(files.WriteFileAtomic("/f", new_content_).ok());
  ExpectReplacedWithBackup();
  EXPECT_EQ(Slurp(dir_ + "/f" + kPreviousSuffix), "first\n");
}

// The usual case skips chown and chmod: the mode must still come out exact.
TEST_F(AtomicWriteTest, ANewFileIs0644AndAReplacedOneKeepsGroupWritable) {
  RealFileSystem files(dir_);
  ASSERT_TRUE(files.WriteFileAtomic("/g", old_content_).ok());
  EXPECT_EQ(fs::status(dir_ + "/g").permissions() & fs::perms::mask, fs::perms(0644));
  fs::permissions(dir_ + "/g", fs::perms(0664));  // umask 022 would strip g+w
  ASSERT_TRUE(files.WriteFileAtomic("/g", new_content_).ok());
  EXPECT_EQ(fs::status(dir_ + "/g").permissions() & fs::perms::mask, fs::perms(0664));
  EXPECT_EQ(fs::status(dir_ + "/g" + kBackupSuffix).permissions() & fs::perms::mask,
            fs::perms(0664));
}

int g_fail_at_call = 0;
int g_calls = 0;
int FailNthCall(const char*) { return ++g_calls == g_fail_at_call ? EIO : 0; }

TEST_F(AtomicWriteTest, AnInjectedFailureAtAnyCallLeavesOldOrNewAndTheBackup) {
  // Count the calls of one full replace, then fail each one in turn.
  RealFileSystem files(dir_);
  g_calls = 0;
  g_fail_at_call = -1;
  SetFaultHookForTesting(FailNthCall);
  ASSERT_TRUE(files.WriteFileAtomic("/f", old_content_).ok());
  ASSERT_TRUE(files.WriteFileAtomic("/f", new_content_).ok());
  ASSERT_TRUE(files.WriteFileAtomic("/f", old_content_).ok());
  g_calls = 0;
  ASSERT_TRUE(files.WriteFileAtomic("/f", new_content_).ok());
  int calls_per_replace = g_calls;
  ASSERT_GT(calls_per_replace, 6);
  for (int fail_at = 1; fail_at <= calls_per_replace; ++fail_at) {
    SetFaultHookForTesting(nullptr);
    ASSERT_TRUE(files.WriteFileAtomic("/f", old_content_).ok());
    std::string backup_before = Slurp(dir_ + "/f" + kBackupSuffix);
    std::string previous_before = Slurp(dir_ + "/f" + kPreviousSuffix);
    g_calls = 0;
    g_fail_at_call = fail_at;
    SetFaultHookForTesting(FailNthCall);
    Status status = files.WriteFileAtomic("/f", new_content_);
    SetFaultHookForTesting(nullptr);
    if (!status.ok()) {
      EXPECT_NE(status.message().find(dir_), std::string::npos) << status.message();
      EXPECT_NE(status.message().find("Input/output error"), std::string::npos);
    }
    ExpectOldOrNew(dir_ + "/f");
    std::string backup = Slurp(dir_ + "/f" + kBackupSuffix);
    EXPECT_TRUE(backup == backup_before || backup == old_content_) << "call " << fail_at;
    std::string previous = Slurp(dir_ + "/f" + kPreviousSuffix);
    EXPECT_TRUE(previous == previous_before || previous == old_content_) << "call " << fail_at;
    ExpectNoTempFiles();
  }
}

TEST_F(AtomicWriteTest, SigkillAtRandomPointsNeverLeavesAPartialFile) {
  RealFileSystem files(dir_);
  ASSERT_TRUE(files.WriteFileAtomic("/f", old_content_).ok());
  ASSERT_TRUE(files.WriteFileAtomic("/f", new_content_).ok());
  std::mt19937 random(42);
  for (int round = 0; round < 60; ++round) {
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      RealFileSystem writer(dir_);
      for (int i = 0;; ++i) (void)writer.WriteFileAtomic("/f", i % 2 ? old_content_ : new_content_);
    }
    usleep(std::uniform_int_distribution<int>(200, 6000)(random));
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
    ExpectOldOrNew(dir_ + "/f");
    ExpectOldOrNew(dir_ + "/f" + kBackupSuffix);
    if (fs::exists(dir_ + "/f" + kPreviousSuffix)) {  // once made, whole, whichever it is
      ExpectOldOrNew(dir_ + "/f" + kPreviousSuffix);
    }
  }
  // A temp file left by a kill is never live content, and the next write that replaces
  // the file (and so its backup) takes the temp names over.
  ASSERT_TRUE(files.WriteFileAtomic("/f", "third content\n").ok());
  ExpectNoTempFiles();
}

TEST_F(AtomicWriteTest, FullDiskIsAClearErrorAndTheOldFileStays) {
  if (!MountTmpfs("size=1m")) GTEST_SKIP() << "needs root to mount a small tmpfs";
  RealFileSystem files(dir_);
  ASSERT_TRUE(files.WriteFileAtomic("/f", old_content_).ok());
  Status status = files.WriteFileAtomic("/f", std::string(900000, 'x'));
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("No space left on device"), std::string::npos) << status.message();
  EXPECT_EQ(Slurp(dir_ + "/f"), old_content_);
  ExpectNoTempFiles();
}

TEST_F(AtomicWriteTest, ReadOnlyRootIsAClearErrorAndTheOldFileStays) {
  if (!MountTmpfs("size=4m")) GTEST_SKIP() << "needs root to mount a tmpfs";
  RealFileSystem files(dir_);
  ASSERT_TRUE(files.WriteFileAtomic("/f", old_content_).ok());
  ASSERT_EQ(mount(nullptr, dir_.c_str(), nullptr, MS_REMOUNT | MS_RDONLY, nullptr), 0);
  Status status = files.WriteFileAtomic("/f", new_content_);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("Read-only file system"), std::string::npos) << status.message();
  EXPECT_EQ(Slurp(dir_ + "/f"), old_content_);
}

int g_directory_syncs = 0;
int CountDirectorySyncs(const char* point) {
  if (std::strcmp(point, "fsync-dir") == 0) ++g_directory_syncs;
  return 0;
}

// A boot replaces files in /etc one step after another: their directory is synced
// once, at the end, and a write that changes nothing asks for no sync at all.
TEST_F(AtomicWriteTest, DeferredDirectorySyncsAreOneADirectory) {
  RealFileSystem files(dir_);
  fs::create_directory(dir_ + "/etc");
  fs::create_directory(dir_ + "/other");
  ASSERT_TRUE(files.WriteFileAtomic("/etc/a", old_content_).ok());
  files.DeferDirectorySyncs();
  g_directory_syncs = 0;
  SetFaultHookForTesting(CountDirectorySyncs);
  ASSERT_TRUE(files.WriteFileAtomic("/etc/a", old_content_).ok());  // unchanged
  ASSERT_TRUE(files.SyncDirectories().ok());
  EXPECT_EQ(g_directory_syncs, 0);
  ASSERT_TRUE(files.WriteFileAtomic("/etc/a", new_content_).ok());  // replaced, backup
  ASSERT_TRUE(files.WriteFileAtomic("/etc/b", new_content_).ok());  // new
  ASSERT_TRUE(files.WriteFileAtomic("/other/c", new_content_).ok());
  EXPECT_EQ(g_directory_syncs, 0);
  EXPECT_EQ(Slurp(dir_ + "/etc/a"), new_content_);
  EXPECT_EQ(Slurp(dir_ + "/etc/a" + kBackupSuffix), old_content_);
  ASSERT_TRUE(files.SyncDirectories().ok());
  EXPECT_EQ(g_directory_syncs, 2);  // /etc and /other
  ASSERT_TRUE(files.SyncDirectories().ok());
  EXPECT_EQ(g_directory_syncs, 2);  // nothing left to sync
}

int FailDirectorySync(const char* point) {
  return std::strcmp(point, "fsync-dir") == 0 ? EIO : 0;
}

TEST_F(AtomicWriteTest, ADeferredSyncThatFailsNamesTheDirectoryAndKeepsTheFile) {
  RealFileSystem files(dir_);
  files.DeferDirectorySyncs();
  SetFaultHookForTesting(FailDirectorySync);
  ASSERT_TRUE(files.WriteFileAtomic("/f", new_content_).ok());
  Status synced = files.SyncDirectories();
  ASSERT_FALSE(synced.ok());
  EXPECT_NE(synced.message().find("fsync directory " + dir_), std::string::npos)
      << synced.message();
  EXPECT_EQ(Slurp(dir_ + "/f"), new_content_);
}

// A boot's steps read /etc/fstab twice: while remembering, the second read is the
// first one's (or what was written since), and turning it off reads the disk again.
TEST_F(AtomicWriteTest, RememberedContentsServeLaterReadsUntilTurnedOff) {
  RealFileSystem files(dir_);
  std::ofstream(dir_ + "/f") << "on disk\n";
  files.RememberContents(true);
  ASSERT_EQ(files.ReadFile("/f").value_or(""), "on disk\n");
  std::ofstream(dir_ + "/f") << "changed behind its back\n";
  EXPECT_EQ(files.ReadFile("/f").value_or(""), "on disk\n");
  ASSERT_TRUE(files.WriteFileAtomic("/f", new_content_).ok());
  std::ofstream(dir_ + "/f") << "changed again\n";
  EXPECT_EQ(files.ReadFileIfPresent("/f").value_or(std::nullopt).value_or(""), new_content_);
  EXPECT_FALSE(files.ReadFileIfPresent("/none").value_or("x").has_value());
  std::ofstream(dir_ + "/none") << "appeared\n";
  EXPECT_FALSE(files.Exists("/none"));  // remembered as missing
  EXPECT_FALSE(files.ReadFile("/none").ok());
  files.ForgetContents();  // after a mount: still remembering, nothing kept
  EXPECT_EQ(files.ReadFile("/f").value_or(""), "changed again\n");
  std::ofstream(dir_ + "/f") << "and again\n";
  EXPECT_EQ(files.ReadFile("/f").value_or(""), "changed again\n");
  files.RememberContents(false);
  EXPECT_EQ(files.ReadFile("/f").value_or(""), "and again\n");
  EXPECT_TRUE(files.Exists("/none"));
}

// A file the run saw missing is created without asking again (no lstat); one that
// appeared meanwhile is not written over: it is replaced with its backup kept.
TEST_F(AtomicWriteTest, AFileSeenMissingIsCreatedButOneThatAppearedKeepsItsBackup) {
  RealFileSystem files(dir_);
  files.RememberContents(true);
  ASSERT_FALSE(files.ReadFileIfPresent("/new").value_or("x").has_value());
  ASSERT_TRUE(files.WriteFileAtomic("/new", new_content_).ok());
  EXPECT_EQ(Slurp(dir_ + "/new"), new_content_);
  EXPECT_FALSE(fs::exists(dir_ + "/new" + kBackupSuffix));

  ASSERT_FALSE(files.ReadFileIfPresent("/f").value_or("x").has_value());
  std::ofstream(dir_ + "/f") << old_content_;  // someone else's, after the read
  ASSERT_TRUE(files.WriteFileAtomic("/f", new_content_).ok());
  ExpectReplacedWithBackup();
}

int NoRenameNoReplace(const char* point) { return std::strcmp(point, "renameat2") == 0 ? EINVAL : 0; }

// Where the filesystem cannot refuse to replace (EINVAL), the creation asks lstat
// first: a file that appeared is still replaced with its backup kept.
TEST_F(AtomicWriteTest, WithoutRenameNoReplaceAFileSeenMissingIsStillNeverOverwritten) {
  SetFaultHookForTesting(NoRenameNoReplace);
  RealFileSystem files(dir_);
  files.RememberContents(true);
  ASSERT_FALSE(files.ReadFileIfPresent("/new").value_or("x").has_value());
  ASSERT_TRUE(files.WriteFileAtomic("/new", new_content_).ok());
  EXPECT_EQ(Slurp(dir_ + "/new"), new_content_);
  ASSERT_FALSE(files.ReadFileIfPresent("/f").value_or("x").has_value());
  std::ofstream(dir_ + "/f") << old_content_;
  ASSERT_TRUE(files.WriteFileAtomic("/f", new_content_).ok());
  ExpectReplacedWithBackup();
}

// While remembering, a read tells whether the file was a symlink, and ReadLink of a
// plain or missing file it read answers from that; a symlink is asked about.
TEST_F(AtomicWriteTest, ReadLinkOfARememberedFileIsKnownFromItsRead) {
  RealFileSystem files(dir_);
  std::ofstream(dir_ + "/plain") << "x\n";
  std::ofstream(dir_ + "/target") << "y\n";
  fs::create_symlink("target", dir_ + "/link");
  files.RememberContents(true);
  ASSERT_TRUE(files.ReadFile("/plain").ok());
  ASSERT_FALSE(files.ReadFileIfPresent("/none").value_or("x").has_value());
  ASSERT_EQ(files.ReadFile("/link").value_or(""), "y\n");
  fs::remove(dir_ + "/plain");
  fs::create_symlink("target", dir_ + "/plain");  // behind its back: the read stands
  EXPECT_FALSE(files.ReadLink("/plain").ok());
  EXPECT_FALSE(files.ReadLink("/none").ok());
  EXPECT_EQ(files.ReadLink("/link").value_or(""), "target");
  // Turning it on again keeps what it knows; writing the same content through the
  // symlink leaves it one, writing new content makes the file its own.
  files.RememberContents(true);
  EXPECT_EQ(files.ReadLink("/link").value_or(""), "target");
  ASSERT_TRUE(files.WriteFileAtomic("/link", "y\n").ok());
  EXPECT_EQ(files.ReadLink("/link").value_or(""), "target");
  ASSERT_TRUE(files.WriteFileAtomic("/link", "z\n").ok());
  EXPECT_FALSE(files.ReadLink("/link").ok());
  EXPECT_FALSE(fs::is_symlink(dir_ + "/link"));
  files.ForgetContents();
  EXPECT_EQ(files.ReadLink("/plain").value_or(""), "target");
}

TEST_F(AtomicWriteTest, AFailedWriteIsNotRemembered) {
  if (!MountTmpfs("size=4m")) GTEST_SKIP() << "needs root to mount a tmpfs";
  RealFileSystem files(dir_);
  ASSERT_TRUE(files.WriteFileAtomic("/f", old_content_).ok());
  files.RememberContents(true);
  ASSERT_EQ(files.ReadFile("/f").value_or(""), old_content_);
  std::ofstream(dir_ + "/f") << "changed behind its back\n";
  ASSERT_EQ(mount(nullptr, dir_.c_str(), nullptr, MS_REMOUNT | MS_RDONLY, nullptr), 0);
  ASSERT_FALSE(files.WriteFileAtomic("/f", new_content_).ok());
  // Forgotten, not kept as either version: read from the disk again.
  EXPECT_EQ(files.ReadFile("/f").value_or(""), "changed behind its back\n");
}

int FailFsync(const char* point) { return std::strncmp(point, "fsync", 5) == 0 ? EIO : 0; }

int g_fsyncs = 0;
int CountFsyncs(const char* point) {
  if (std::strcmp(point, "fsync") == 0) ++g_fsyncs;
  return 0;
}

// A file the agent creates as wanted is made durable by its write (O_DSYNC), no fsync
// after it; one whose owner must be set after the write still gets the fsync.
TEST_F(AtomicWriteTest, TheContentIsSyncedByTheWriteUnlessOwnerOrModeComeAfter) {
  if (geteuid() != 0) GTEST_SKIP() << "chown needs root";
  RealFileSystem files(dir_);
  ASSERT_TRUE(files.WriteFileAtomic("/mine", old_content_).ok());
  ASSERT_TRUE(files.WriteFileAtomic("/theirs", old_content_).ok());
  ASSERT_EQ(::chown((dir_ + "/theirs").c_str(), 1, 1), 0);
  g_fsyncs = 0;
  SetFaultHookForTesting(CountFsyncs);
  ASSERT_TRUE(files.WriteFileAtomic("/mine", new_content_).ok());
  EXPECT_EQ(g_fsyncs, 0);
  ASSERT_TRUE(files.WriteFileAtomic("/theirs", new_content_).ok());
  EXPECT_EQ(g_fsyncs, 1);
  SetFaultHookForTesting(nullptr);
  struct stat st;
  ASSERT_EQ(::stat((dir_ + "/theirs").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 1u);
  EXPECT_EQ(Slurp(dir_ + "/theirs"), new_content_);
}

// The agent's own files of a boot (/run/uml-agent): atomic, but neither a backup nor
// an fsync (fsyncs made to fail here would fail the write); the directory is made.
TEST_F(AtomicWriteTest, RunFilesAreReplacedWithoutBackupOrFsync) {
  RealFileSystem files(dir_);
  fs::create_directory(dir_ + "/run");
  SetFaultHookForTesting(FailFsync);
  ASSERT_TRUE(files.WriteRunFile("/run/uml-agent/state.json", old_content_).ok());
  ASSERT_TRUE(files.WriteRunFile("/run/uml-agent/state.json", new_content_).ok());
  EXPECT_EQ(Slurp(dir_ + "/run/uml-agent/state.json"), new_content_);
  EXPECT_FALSE(fs::exists(dir_ + "/run/uml-agent/state.json" + kBackupSuffix));
  for (const auto& entry : fs::directory_iterator(dir_ + "/run/uml-agent")) {
    EXPECT_EQ(entry.path().filename(), "state.json");  // no temp file left either
  }
  // A missing parent's parent is an error naming the directory, not a crash.
  Status deep = files.WriteRunFile("/nonexistent/deeper/f", "x");
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.message().find(dir_ + "/nonexistent/deeper"), std::string::npos) << deep.message();
}

}  // namespace
}  // namespace umla::agent
