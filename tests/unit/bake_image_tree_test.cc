// Baking into an image file: replacements are written under a temporary name first,
// so a full image keeps every original; an image a running UML holds is refused.
// The real-image tests need e2fsprogs (mke2fs, debugfs, e2fsck) and skip without it.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "host-bridge/bake/debugfs_script.h"
#include "host-bridge/bake/root_tree.h"
#include "host-bridge/bake/run_capture.h"
#include "host-bridge/commands/bake.h"
#include "host-bridge/guest/ext_image.h"
#include "host-bridge/guest/system_program.h"

namespace umla::bridge {
namespace {

namespace fs = std::filesystem;

// A file of the image as debugfs reads it, nullopt when missing or unreadable.
std::optional<std::string> ReadImageFile(const std::string& image, const std::string& path) {
  Result<std::optional<std::string>> read = ReadImageFileAtMost(image, path, SIZE_MAX);
  return read.ok() ? *read : std::nullopt;
}

// `ln` leaves the link count at one: it is set for the two names at once, and the
// temporary one goes with an `rm` that sets it back.
constexpr const char* kInittabMove =
    "rm /etc/inittab\nln /etc/inittab.uml-bridge.tmp /etc/inittab\n"
    "sif /etc/inittab links_count 2\n";

TEST(DebugfsProblems, OnlyErrorsAndTheExitStatusCount) {
  EXPECT_EQ(DebugfsProblems(0, "debugfs 1.47.0 (5-Feb-2023)\n"
                               "Checksum errors in superblock!  Retrying...\n"
                               "Allocated inode: 12\n"),
            "");
  EXPECT_EQ(DebugfsProblems(0, "debugfs 1.47.0 (5-Feb-2023)\nwrite: Could not allocate block\n"),
            "\n  write: Could not allocate block");
  EXPECT_EQ(DebugfsProblems(1, ""), "\n  (debugfs exit status 1)");
  EXPECT_EQ(DebugfsProblems(kCaptureNotStarted, ""), "\n  debugfs not found (install e2fsprogs)");
}

// e2fsprogs installs into /sbin and /usr/sbin, not on every user's PATH: found there.
TEST(FindSystemProgram, LooksInTheSbinDirectoriesAfterPath) {
  if (FindSystemProgram("debugfs").empty()) GTEST_SKIP() << "no e2fsprogs";
  const char* saved = getenv("PATH");
  std::string path = saved ? saved : "";
  setenv("PATH", "/nonexistent", 1);
  std::string found = FindSystemProgram("debugfs");
  setenv("PATH", path.c_str(), 1);
  EXPECT_TRUE(found == "/usr/sbin/debugfs" || found == "/sbin/debugfs") << found;
  EXPECT_EQ(FindSystemProgram("/nonexistent/debugfs"), "");
  EXPECT_EQ(FindSystemProgram("no-such-program-here"), "");
}

TEST(DebugfsScript, AddsFirstThenMovesReplacementsIn) {
  DebugfsScript script;
  script.MakeDirectory("/etc/uml-agent");
  script.Write("/tmp/f1", "/etc/uml-agent/config.json", 0644, false, false);
  script.Write("/tmp/f2", "/etc/inittab", 0644, true, true);
  script.Remove("/etc/uml-agent/kernel-args");
  EXPECT_EQ(script.adds(),
            "mkdir /etc/uml-agent\nsif /etc/uml-agent mode 040755\nsif /etc/uml-agent uid 0\n"
            "sif /etc/uml-agent gid 0\n"
            "write /tmp/f1 /etc/uml-agent/config.json\n"
            "sif /etc/uml-agent/config.json mode 0100644\nsif /etc/uml-agent/config.json uid 0\n"
            "sif /etc/uml-agent/config.json gid 0\n"
            "rm /etc/inittab.uml-bridge.tmp\n"
            "write /tmp/f2 /etc/inittab.uml-bridge.tmp\n"
            "sif /etc/inittab.uml-bridge.tmp mode 0100644\nsif /etc/inittab.uml-bridge.tmp uid 0\n"
            "sif /etc/inittab.uml-bridge.tmp gid 0\n");
  EXPECT_EQ(script.moves(), kInittabMove);
  EXPECT_EQ(script.removals(), "rm /etc/inittab.uml-bridge.tmp\nrm /etc/uml-agent/kernel-args\n");
}

// The second run's `rm` removes the original; a removal left for the third run would
// remove the new file.
TEST(DebugfsScript, AReplacementAfterARemovalDropsTheRemoval) {
  DebugfsScript script;
  script.Remove("/etc/inittab");
  script.Remove("/etc/other");
  script.Write("/tmp/f", "/etc/inittab", 0644, true, false);
  EXPECT_EQ(script.moves(), kInittabMove);
  // The temporary names go first (before a removal of their directory).
  EXPECT_EQ(script.removals(), "rm /etc/inittab.uml-bridge.tmp\nrm /etc/other\n");
}

// One temporary name per path: a second write in the same change replaces the queued
// one where it was (the last content wins), whether the path existed or not.
TEST(DebugfsScript, APathWrittenTwiceIsMadeOnceWithTheLastContent) {
  DebugfsScript script;
  script.Write("/tmp/f1", "/etc/inittab", 0644, true, false);
  script.Write("/tmp/f2", "/etc/inittab", 0600, true, false);
  script.Write("/tmp/f3", "/etc/new", 0644, false, false);
  script.Remove("/etc/new");
  script.Symlink("/etc/new", "/x", true, false);  // the queued write looks like a file
  EXPECT_EQ(script.adds(),
            "write /tmp/f2 /etc/inittab.uml-bridge.tmp\n"
            "sif /etc/inittab.uml-bridge.tmp mode 0100600\nsif /etc/inittab.uml-bridge.tmp uid 0\n"
            "sif /etc/inittab.uml-bridge.tmp gid 0\n"
            "symlink /etc/new /x\n");
  EXPECT_EQ(script.moves(), kInittabMove);
  EXPECT_EQ(script.removals(), "rm /etc/inittab.uml-bridge.tmp\n");
}

// A temporary name an interrupted bake left: removed before it is used again, else in
// the third run (once), never while a queued replacement uses it.
TEST(DebugfsScript, ALeftoverTemporaryNameGoesOnce) {
  DebugfsScript script;
  script.Write("/tmp/f", "/etc/a", 0644, false, true);  // /etc/a itself is gone
  script.Remove("/etc/a");
  script.RemoveLeftover("/etc/a");
  script.Remove("/etc/b");
  script.RemoveLeftover("/etc/b");
  script.Write("/tmp/f", "/etc/b", 0644, true, true);  // /etc/b is still there in run 1
  EXPECT_EQ(script.adds(),
            "write /tmp/f /etc/a\nsif /etc/a mode 0100644\nsif /etc/a uid 0\nsif /etc/a gid 0\n"
            "rm /etc/b.uml-bridge.tmp\nwrite /tmp/f /etc/b.uml-bridge.tmp\n"
            "sif /etc/b.uml-bridge.tmp mode 0100644\nsif /etc/b.uml-bridge.tmp uid 0\n"
            "sif /etc/b.uml-bridge.tmp gid 0\n");
  EXPECT_EQ(script.removals(), "rm /etc/b.uml-bridge.tmp\nrm /etc/a.uml-bridge.tmp\nrm /etc/a\n");
}

// Records each run's command file; `errors[i]` is what run i writes to stderr.
CommandRunner Recorder(std::vector<std::string>* runs, std::vector<std::string> errors) {
  return [runs, errors](const std::vector<std::string>& argv, std::string*, std::string* err) {
    std::ifstream in(argv.at(3));
    runs->emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (runs->size() <= errors.size()) *err = errors[runs->size() - 1];
    return 0;  // debugfs -f exits 0 after failed commands
  };
}

TEST(DebugfsScript, RemovalsRunLastAfterTheMoves) {
  char pattern[] = "/tmp/umla-debugfs-script.XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  std::vector<std::string> runs;
  DebugfsScript script;
  script.Write("/tmp/f", "/etc/inittab", 0644, true, false);
  script.Remove("/etc/inittab.uml-bridge.orig");
  Status run = script.Run("img", pattern, Recorder(&runs, {"debugfs 1.47.0\n"}));
  fs::remove_all(pattern);
  ASSERT_TRUE(run.ok()) << run.message();
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[1], kInittabMove);
  EXPECT_EQ(runs[2], "rm /etc/inittab.uml-bridge.tmp\nrm /etc/inittab.uml-bridge.orig\n");
  EXPECT_TRUE(script.empty());
}

// As in `bake --uninstall`: the restored file's `ln` fails; its temporary name and the
// backup both stay, and the message says where the new file is.
TEST(DebugfsScript, AFailedMoveKeepsTheTemporaryNamesAndRemovesNothing) {
  char pattern[] = "/tmp/umla-debugfs-script.XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  std::vector<std::string> runs;
  DebugfsScript script;
  script.Write("/tmp/f", "/etc/inittab", 0644, true, false);
  script.Remove("/etc/inittab.uml-bridge.orig");
  Status run = script.Run(
      "img", pattern,
      Recorder(&runs, {"", "debugfs 1.47.0\nln: Could not allocate block in ext2 filesystem\n"}));
  fs::remove_all(pattern);
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(runs.size(), 2u);  // adds, moves; never the unlinks and removals
  EXPECT_NE(run.message().find("ln: Could not allocate block"), std::string::npos);
  EXPECT_NE(run.message().find("run the same uml-bridge bake command again to finish the "
                               "change,\nor `uml-bridge bake --uninstall` to undo"),
            std::string::npos)
      << run.message();
  EXPECT_NE(run.message().find("Nothing was removed; the new files\nare also kept under their "
                               "temporary names (an original may be gone already):\n"
                               "  /etc/inittab.uml-bridge.tmp (the new /etc/inittab)"),
            std::string::npos)
      << run.message();
  EXPECT_TRUE(script.empty());
}

TEST(DebugfsScript, AFailedFirstRunIsUndoneAndNothingIsMoved) {
  char pattern[] = "/tmp/umla-debugfs-script.XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  std::vector<std::string> runs;
  CommandRunner fake = [&](const std::vector<std::string>& argv, std::string*, std::string* err) {
    std::ifstream in(argv.at(3));
    runs.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (runs.size() == 1)
      *err = "debugfs 1.47.0\nwrite: Could not allocate block in ext2 filesystem\n";
    if (runs.size() == 2) *err = "debugfs 1.47.0\nrm: File not found by ext2_lookup\n";
    return 0;  // debugfs -f exits 0 after failed commands
  };
  DebugfsScript script;
  script.MakeDirectory("/d");
  script.Write("/tmp/f", "/etc/inittab", 0644, true, false);
  Status run = script.Run("img", pattern, fake);
  fs::remove_all(pattern);
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.message().find("Could not allocate block"), std::string::npos);
  EXPECT_NE(run.message().find("nothing in the image was replaced or removed, and what was "
                               "added is removed again"),
            std::string::npos)
      << run.message();
  ASSERT_EQ(runs.size(), 2u);  // adds, undo; never the moves
  EXPECT_EQ(runs[1], "rm /etc/inittab.uml-bridge.tmp\nrmdir /d\n");
  EXPECT_TRUE(script.empty());
}

class ImageTreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/umla-bake-image.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    base_ = pattern;
    fs::create_directories(base_ / "stage/etc");
    fs::create_directories(base_ / "stage/sbin");
    std::ofstream(base_ / "stage/etc/inittab") << "original\n";
    fs::create_symlink("/bin/busybox", base_ / "stage/sbin/init");
    image_ = (base_ / "root.img").string();
  }
  void TearDown() override { fs::remove_all(base_); }
  // An ext2 image of `kib` KiB with the staged tree; false when e2fsprogs is missing.
  bool MakeImage(int kib) {
    std::string err;
    int status = RunCapture({"mke2fs", "-q", "-F", "-t", "ext2", "-d", (base_ / "stage").string(),
                             image_, std::to_string(kib) + "k"},
                            nullptr, &err);
    if (status == 127) return false;
    EXPECT_EQ(status, 0) << err;
    return status == 0;
  }
  std::string Stat(const std::string& path) {
    std::string out;
    RunCapture({"debugfs", "-R", "stat " + path, image_}, &out, nullptr);
    return out;
  }
  void ExpectClean() {
    std::string out;
    EXPECT_EQ(RunCapture({"e2fsck", "-fn", image_}, &out, &out), 0) << out;
  }

  fs::path base_;
  std::string image_;
};

// What `run` reads from an image (its kernel-args) and bake reads to compare or edit:
// missing is nothing, too large or unreadable is an error saying so.
TEST_F(ImageTreeTest, AFileIsReadUpToItsLimit) {
  if (!MakeImage(1024)) GTEST_SKIP() << "no mke2fs";
  EXPECT_TRUE(LooksLikeExtImage(image_));
  Result<std::optional<std::string>> read = ReadImageFileAtMost(image_, "/etc/inittab", 9);
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(*read, "original\n");
  read = ReadImageFileAtMost(image_, "/etc/none", 9);
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_FALSE(*read);
  EXPECT_EQ(ReadImageFileAtMost(image_, "/etc/inittab", 8).status().message(),
            "image " + image_ + ": /etc/inittab is larger than 8 bytes");
}

TEST_F(ImageTreeTest, AFileOfAnImageDebugfsCannotOpenIsAnError) {
  std::ofstream(image_) << std::string(4096, 'x');
  EXPECT_FALSE(LooksLikeExtImage(image_));
  EXPECT_FALSE(LooksLikeExtImage((base_ / "none.img").string()));
  Result<std::optional<std::string>> read = ReadImageFileAtMost(image_, "/etc/inittab", 4096);
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("image " + image_ + ": cannot read /etc/inittab\n  "),
            std::string::npos)
      << read.status().message();
  EXPECT_NE(read.status().message().find("Bad magic number"), std::string::npos)
      << read.status().message();
}

TEST_F(ImageTreeTest, ReplacementsAreMovedIn) {
  if (!MakeImage(1024)) GTEST_SKIP() << "no mke2fs";
  {
    Result<std::unique_ptr<RootTree>> tree = OpenRootTree(image_);
    ASSERT_TRUE(tree.ok()) << tree.status().message();
    ASSERT_TRUE((*tree)->MakeDirectory("/etc/uml-agent").ok());
    ASSERT_TRUE((*tree)->WriteFile("/etc/uml-agent/config.json", "{}\n", "", 0644).ok());
    ASSERT_TRUE((*tree)->WriteFile("/etc/inittab", "edited\n", "", 0600).ok());
    ASSERT_TRUE((*tree)->MakeSymlink("/sbin/init", "/sbin/uml-agent").ok());
    Status committed = (*tree)->Commit();
    ASSERT_TRUE(committed.ok()) << committed.message();
    EXPECT_EQ((*tree)->LinkTarget("/sbin/init"), "/sbin/uml-agent");
  }
  EXPECT_EQ(ReadImageFile(image_, "/etc/inittab"), "edited\n");
  EXPECT_EQ(ReadImageFile(image_, "/etc/uml-agent/config.json"), "{}\n");
  EXPECT_NE(Stat("/etc/inittab").find("Mode:  0600"), std::string::npos);
  EXPECT_FALSE(ReadImageFile(image_, "/etc/inittab.uml-bridge.tmp"));
  ExpectClean();
}

TEST_F(ImageTreeTest, AFullImageKeepsEveryOriginal) {
  if (!MakeImage(1024)) GTEST_SKIP() << "no mke2fs";
  std::string big(2 << 20, 'x');  // more than the whole image
  {
    Result<std::unique_ptr<RootTree>> tree = OpenRootTree(image_);
    ASSERT_TRUE(tree.ok()) << tree.status().message();
    ASSERT_TRUE((*tree)->MakeDirectory("/etc/uml-agent").ok());
    ASSERT_TRUE((*tree)->WriteFile("/etc/uml-agent/config.json", "{}\n", "", 0644).ok());
    ASSERT_TRUE((*tree)->WriteFile("/etc/inittab", big, "", 0644).ok());
    ASSERT_TRUE((*tree)->Remove("/sbin/init").ok());
    Status committed = (*tree)->Commit();
    ASSERT_FALSE(committed.ok());
    EXPECT_NE(committed.message().find("nothing in the image was replaced or removed"),
              std::string::npos)
        << committed.message();
  }
  EXPECT_EQ(ReadImageFile(image_, "/etc/inittab"), "original\n");
  EXPECT_NE(Stat("/sbin/init").find("Type: symlink"), std::string::npos);
  EXPECT_FALSE(ReadImageFile(image_, "/etc/inittab.uml-bridge.tmp"));
  EXPECT_EQ(Stat("/etc/uml-agent"), "");  // the new directory is gone again
  ExpectClean();
}

// Undoing an entry can remove a path and write it again in one commit: the write
// replaces the original through a temporary name, as the removal runs last.
TEST_F(ImageTreeTest, ARemovedPathWrittenAgainIsReplaced) {
  if (!MakeImage(1024)) GTEST_SKIP() << "no mke2fs";
  {
    Result<std::unique_ptr<RootTree>> tree = OpenRootTree(image_);
    ASSERT_TRUE(tree.ok()) << tree.status().message();
    ASSERT_TRUE((*tree)->Remove("/etc/inittab").ok());
    ASSERT_TRUE((*tree)->WriteFile("/etc/inittab", "again\n", "", 0644).ok());
    ASSERT_TRUE((*tree)->WriteFile("/etc/new", "1\n", "", 0644).ok());
    ASSERT_TRUE((*tree)->Remove("/etc/new").ok());
    ASSERT_TRUE((*tree)->WriteFile("/etc/new", "2\n", "", 0644).ok());
    Status committed = (*tree)->Commit();
    ASSERT_TRUE(committed.ok()) << committed.message();
  }
  EXPECT_EQ(ReadImageFile(image_, "/etc/inittab"), "again\n");
  EXPECT_EQ(ReadImageFile(image_, "/etc/new"), "2\n");
  EXPECT_FALSE(ReadImageFile(image_, "/etc/inittab.uml-bridge.tmp"));
  EXPECT_FALSE(ReadImageFile(image_, "/etc/new.uml-bridge.tmp"));
  ExpectClean();
}

TEST_F(ImageTreeTest, APathWrittenTwiceInOneChangeHoldsTheLastContent) {
  if (!MakeImage(1024)) GTEST_SKIP() << "no mke2fs";
  {
    Result<std::unique_ptr<RootTree>> tree = OpenRootTree(image_);
    ASSERT_TRUE(tree.ok()) << tree.status().message();
    ASSERT_TRUE((*tree)->WriteFile("/etc/inittab", "first\n", "", 0644).ok());
    ASSERT_TRUE((*tree)->WriteFile("/etc/inittab", "second\n", "", 0600).ok());
    ASSERT_TRUE((*tree)->WriteFile("/etc/new", "1\n", "", 0644).ok());
    ASSERT_TRUE((*tree)->WriteFile("/etc/new", "2\n", "", 0644).ok());
    ASSERT_TRUE((*tree)->MakeSymlink("/sbin/init", "/sbin/first").ok());
    ASSERT_TRUE((*tree)->MakeSymlink("/sbin/init", "/sbin/second").ok());
    Status committed = (*tree)->Commit();
    ASSERT_TRUE(committed.ok()) << committed.message();
  }
  EXPECT_EQ(ReadImageFile(image_, "/etc/inittab"), "second\n");
  EXPECT_NE(Stat("/etc/inittab").find("Mode:  0600"), std::string::npos);
  EXPECT_EQ(ReadImageFile(image_, "/etc/new"), "2\n");
  EXPECT_NE(Stat("/sbin/init").find("Fast link dest: \"/sbin/second\""), std::string::npos);
  EXPECT_EQ(Stat("/etc/inittab.uml-bridge.tmp"), "");
  EXPECT_EQ(Stat("/sbin/init.uml-bridge.tmp"), "");
  ExpectClean();
}

// The second debugfs run stops part-way: /etc/inittab is moved in, /etc/b's original
// is removed but its new file is not linked in. The image is a consistent file system
// (e2fsck finds nothing), and the temporary names can be removed safely by what
// --uninstall (restore, remove) or a bake run again (write) does next.
class StoppedMoveTest : public ImageTreeTest {
 protected:
  // False when e2fsprogs is missing.
  bool StopMovesPartWay() {
    std::ofstream(base_ / "stage/etc/b") << "b old\n";
    if (!MakeImage(1024)) return false;
    std::ofstream(base_ / "inittab.new") << "edited\n";
    std::ofstream(base_ / "b.new") << "b new\n";
    DebugfsScript script;
    script.Write((base_ / "inittab.new").string(), "/etc/inittab", 0644, true, false);
    script.Write((base_ / "b.new").string(), "/etc/b", 0644, true, false);
    int runs = 0;
    CommandRunner stops = [&](const std::vector<std::string>& argv, std::string* out,
                              std::string* err) {
      if (++runs == 2) {  // the script's own moves, up to /etc/b's `ln`
        std::ifstream in(argv.at(3));
        std::string moves(std::istreambuf_iterator<char>(in), {});
        std::ofstream(argv.at(3)) << moves.substr(0, moves.find("ln /etc/b."));
        int status = RunCapture(argv, out, err);
        *err += "ln: stopped here\n";
        return status;
      }
      return RunCapture(argv, out, err);
    };
    Status run = script.Run(image_, base_.string(), stops);
    EXPECT_FALSE(run.ok());
    EXPECT_EQ(runs, 2);  // never the removals
    EXPECT_EQ(ReadImageFile(image_, "/etc/inittab"), "edited\n");
    EXPECT_EQ(ReadImageFile(image_, "/etc/inittab.uml-bridge.tmp"), "edited\n");
    EXPECT_FALSE(ReadImageFile(image_, "/etc/b"));
    EXPECT_EQ(ReadImageFile(image_, "/etc/b.uml-bridge.tmp"), "b new\n");
    ExpectClean();
    return true;
  }
  void ExpectNoTemporaryNames() {
    EXPECT_EQ(Stat("/etc/inittab.uml-bridge.tmp"), "");
    EXPECT_EQ(Stat("/etc/b.uml-bridge.tmp"), "");
    ExpectClean();
  }
};

TEST_F(StoppedMoveTest, UndoingItLeavesNoTemporaryName) {
  if (!StopMovesPartWay()) GTEST_SKIP() << "no mke2fs";
  {
    Result<std::unique_ptr<RootTree>> tree = OpenRootTree(image_);
    ASSERT_TRUE(tree.ok()) << tree.status().message();
    ASSERT_TRUE((*tree)->WriteFile("/etc/inittab", "original\n", "", 0644).ok());
    ASSERT_TRUE((*tree)->Remove("/etc/b").ok());
    Status committed = (*tree)->Commit();
    ASSERT_TRUE(committed.ok()) << committed.message();
  }
  EXPECT_EQ(ReadImageFile(image_, "/etc/inittab"), "original\n");
  EXPECT_FALSE(ReadImageFile(image_, "/etc/b"));
  ExpectNoTemporaryNames();
}

TEST_F(StoppedMoveTest, FinishingItLeavesNoTemporaryName) {
  if (!StopMovesPartWay()) GTEST_SKIP() << "no mke2fs";
  {
    Result<std::unique_ptr<RootTree>> tree = OpenRootTree(image_);
    ASSERT_TRUE(tree.ok()) << tree.status().message();
    ASSERT_TRUE((*tree)->WriteFile("/etc/inittab", "edited again\n", "", 0644).ok());
    ASSERT_TRUE((*tree)->WriteFile("/etc/b", "b new\n", "", 0644).ok());
    Status committed = (*tree)->Commit();
    ASSERT_TRUE(committed.ok()) << committed.message();
  }
  EXPECT_EQ(ReadImageFile(image_, "/etc/inittab"), "edited again\n");
  EXPECT_EQ(ReadImageFile(image_, "/etc/b"), "b new\n");
  ExpectNoTemporaryNames();
}

// An image too small for the agent: the first debugfs run fails and nothing is
// changed, so no line says a change was made.
TEST_F(ImageTreeTest, AFailedBakeShowsItsChangesOnlyAsPlanned) {
  if (!MakeImage(1024)) GTEST_SKIP() << "no mke2fs";
  std::ofstream(base_ / "uml-agent") << std::string(2 << 20, 'x');
  BakeOptions options;
  options.rootfs = image_;
  options.agent = (base_ / "uml-agent").string();
  testing::internal::CaptureStdout();
  int status = RunBake(options);
  std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(status, 2);
  EXPECT_NE(out.find("planned: + /sbin/uml-agent\n"), std::string::npos) << out;
  EXPECT_NE(out.find("planned: ~ /etc/inittab (original kept in"), std::string::npos) << out;
  for (const char* done : {"\n+ ", "\n~ ", "\n- "}) {
    EXPECT_EQ(("\n" + out).find(done), std::string::npos) << out;
  }
  EXPECT_EQ(ReadImageFile(image_, "/etc/inittab"), "original\n");
  EXPECT_EQ(Stat("/var"), "");
  ExpectClean();
}

TEST_F(ImageTreeTest, ARemovedDirectoryIsNotReplacedInTheSameCommit) {
  fs::create_directories(base_ / "stage/opt");
  if (!MakeImage(1024)) GTEST_SKIP() << "no mke2fs";
  Result<std::unique_ptr<RootTree>> tree = OpenRootTree(image_);
  ASSERT_TRUE(tree.ok()) << tree.status().message();
  ASSERT_TRUE((*tree)->RemoveDirectory("/opt").ok());
  Status written = (*tree)->WriteFile("/opt", "x\n", "", 0644);
  ASSERT_FALSE(written.ok());
  EXPECT_NE(written.message().find("/opt is a directory in " + image_ +
                                   " removed in the same change"),
            std::string::npos)
      << written.message();
}

// A child process locks the image as UML does (fcntl F_SETLK over the whole file).
TEST_F(ImageTreeTest, AnImageARunningUmlHoldsIsRefused) {
  if (!MakeImage(1024)) GTEST_SKIP() << "no mke2fs";
  for (short type : {F_WRLCK, F_RDLCK}) {  // a ubd file, a COW's backing file
    int ready[2], release[2];
    ASSERT_EQ(pipe(ready), 0);
    ASSERT_EQ(pipe(release), 0);
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(ready[0]);
      close(release[1]);
      int fd = open(image_.c_str(), type == F_WRLCK ? O_RDWR : O_RDONLY);
      struct flock lock = {};
      lock.l_type = type;
      lock.l_whence = SEEK_SET;
      char byte = fcntl(fd, F_SETLK, &lock) == 0 ? 'y' : 'n';
      (void)!write(ready[1], &byte, 1);
      (void)!read(release[0], &byte, 1);  // until the parent closes its end
      _exit(0);
    }
    close(ready[1]);
    close(release[0]);
    char byte = 0;
    ASSERT_EQ(read(ready[0], &byte, 1), 1);
    ASSERT_EQ(byte, 'y');
    Result<std::unique_ptr<RootTree>> tree = OpenRootTree(image_);
    close(release[1]);
    close(ready[0]);
    waitpid(child, nullptr, 0);
    ASSERT_FALSE(tree.ok());
    EXPECT_NE(tree.status().message().find("is in use: process " + std::to_string(child)),
              std::string::npos)
        << tree.status().message();
  }
  EXPECT_TRUE(OpenRootTree(image_).ok());  // free again
}

}  // namespace
}  // namespace umla::bridge
