#include "host-bridge/preflight/preflight.h"

#include <map>

#include <gtest/gtest.h>

namespace umla::bridge {
namespace {

constexpr uint64_t kMiB = 1ull << 20;

// An in-memory host: files by path (identity = inode), one tmpfs, running guests,
// and what e2fsck answers; records every e2fsck run.
class FakeHost : public HostProbe {
 public:
  void AddFile(const std::string& path, ino_t inode, bool writable = true, bool ext = true) {
    PathInfo info;
    info.exists = info.readable = true;
    info.writable = writable;
    info.inode = inode;
    files[path] = info;
    if (ext) ext_images[path] = true;
  }
  PathInfo Path(const std::string& path) override {
    auto found = files.find(path);
    if (found != files.end()) return found->second;
    PathInfo missing;
    missing.error = "No such file or directory";
    missing.writable = true;
    return missing;
  }
  std::optional<std::string> Env(const std::string& name) override {
    auto found = env.find(name);
    if (found == env.end()) return std::nullopt;
    return found->second;
  }
  Result<SpaceInfo> Space(const std::string& dir) override {
    spaces_asked.push_back(dir);
    return space;
  }
  std::vector<RunningGuest> RunningGuests() override { return guests; }
  bool LooksLikeExtFs(const std::string& image) override { return ext_images.count(image) > 0; }
  Result<FsckResult> Fsck(const std::string& image, bool read_only) override {
    fsck_runs.push_back((read_only ? "-n " : "-p ") + image);
    return fsck_result;
  }

  std::map<std::string, PathInfo> files;
  std::map<std::string, bool> ext_images;
  std::map<std::string, std::string> env;
  SpaceInfo space{true, "tmpfs", 1024 * kMiB, 1000 * kMiB};
  std::vector<std::string> spaces_asked;
  std::vector<RunningGuest> guests;
  FsckResult fsck_result{0, "root.img: clean"};
  std::vector<std::string> fsck_runs;
};

std::string Messages(const PreflightReport& report, Severity severity) {
  std::string text;
  for (const auto& finding : report.findings) {
    if (finding.severity == severity) text += finding.message + "\n";
  }
  return text;
}

TEST(Preflight, CleanImageGoesOnAndIsCheckedWithRepair) {
  FakeHost host;
  host.AddFile("/g/root.img", 1);
  PreflightReport report = RunPreflight({"mem=256M", "ubd0=/g/root.img", "root=/dev/ubda"}, host);
  EXPECT_FALSE(report.Refused(true)) << Messages(report, Severity::kWarning);
  EXPECT_EQ(host.fsck_runs, std::vector<std::string>{"-p /g/root.img"});
  EXPECT_EQ(Messages(report, Severity::kNote),
            "e2fsck -p /g/root.img: clean\n"
            "guest memory in /dev/shm (tmpfs, 1000 MiB free of 1 GiB): this guest 256 MiB, "
            "0 running guest(s) 0 bytes\n");
}

TEST(Preflight, E2fsckAboveOneRefusesWithItsOutput) {
  FakeHost host;
  host.AddFile("root.img", 1);
  host.fsck_result = {4, "root.img: UNEXPECTED INCONSISTENCY; RUN fsck MANUALLY."};
  PreflightReport report = RunPreflight({"ubd0=root.img"}, host);
  EXPECT_TRUE(report.Refused(false));
  EXPECT_EQ(Messages(report, Severity::kError),
            "e2fsck -p root.img exited with 4; not starting the kernel. e2fsck said:\n"
            "root.img: UNEXPECTED INCONSISTENCY; RUN fsck MANUALLY.\n");
}

// Exit 1 is also a forced check of an image not cleanly unmounted: a note only.
TEST(Preflight, CorrectedImageGoesOnEvenWhenStrict) {
  FakeHost host;
  host.AddFile("root.img", 1);
  host.fsck_result = {1, "root.img: Inode 12 ref count is 5, should be 2.  FIXED."};
  PreflightReport report = RunPreflight({"ubd0=root.img"}, host);
  EXPECT_FALSE(report.Refused(true));
  EXPECT_NE(Messages(report, Severity::kNote)
                .find("e2fsck -p root.img corrected the filesystem (exit 1):\nroot.img: Inode 12"),
            std::string::npos);
}

TEST(Preflight, MissingAndReadOnlyFiles) {
  FakeHost host;
  host.AddFile("ro.img", 1, /*writable=*/false);
  host.AddFile("data.img", 2, /*writable=*/false);
  PreflightReport report =
      RunPreflight({"ubd0=missing.img", "ubd1r=ro.img", "ubd2=data.img"}, host);
  EXPECT_TRUE(report.Refused(false));
  EXPECT_EQ(Messages(report, Severity::kError),
            "ubd0 file missing.img: No such file or directory\n"
            "ubd2 file data.img: cannot be written (use ubdNr= for a read-only disk)\n");
  EXPECT_TRUE(host.fsck_runs.empty());  // the root image is missing: nothing to check
}

TEST(Preflight, BackingFileIsCheckedReadOnlyAndOnlyByTheFirstGuest) {
  FakeHost host;
  host.AddFile("/img/root.img", 1);
  host.AddFile("/var/g1.cow", 2);
  std::vector<std::string> args = {"mem=128M", "ubd0=/var/g2.cow,/img/root.img"};
  PreflightReport first = RunPreflight(args, host);
  EXPECT_FALSE(first.Refused(true));
  EXPECT_EQ(host.fsck_runs, std::vector<std::string>{"-n /img/root.img"});
  EXPECT_NE(Messages(first, Severity::kNote).find("COW file /var/g2.cow does not exist yet"),
            std::string::npos);

  host.guests.push_back({"g1", 4242, {"mem=512M", "ubd0=g1.cow,/img/root.img"}, "/var"});
  host.fsck_runs.clear();
  PreflightReport second = RunPreflight(args, host);
  EXPECT_FALSE(second.Refused(true));
  EXPECT_TRUE(host.fsck_runs.empty());
  EXPECT_NE(Messages(second, Severity::kNote)
                .find("backing image /img/root.img is shared with guest g1 (pid 4242)"),
            std::string::npos);
  EXPECT_NE(Messages(second, Severity::kNote).find("this guest 128 MiB, 1 running guest(s) 512 MiB"),
            std::string::npos);
}

TEST(Preflight, AFileARunningGuestWritesIsRefused) {
  FakeHost host;
  host.AddFile("/img/root.img", 1);
  host.AddFile("/var/g1.cow", 2);
  host.guests.push_back({"g1", 4242, {"ubd0=g1.cow,/img/root.img"}, "/var"});
  PreflightReport same_cow = RunPreflight({"ubd0=/var/g1.cow,/img/root.img"}, host);
  EXPECT_EQ(Messages(same_cow, Severity::kError),
            "ubd0 COW file /var/g1.cow is in use by guest g1 (pid 4242)\n");
  PreflightReport plain = RunPreflight({"ubd0=/img/root.img"}, host);
  EXPECT_EQ(Messages(plain, Severity::kError),
            "ubd0 file /img/root.img is in use by guest g1 (pid 4242)\n");
  EXPECT_TRUE(host.fsck_runs.empty());  // never e2fsck an image a guest has open
}

TEST(Preflight, MemoryRoomCountsRunningGuestsAndFollowsTmpdir) {
  FakeHost host;
  host.env["TMPDIR"] = "/srv/umlmem";
  host.space = {true, "tmpfs", 1024 * kMiB, 900 * kMiB};
  host.guests.push_back({"a", 1, {"mem=512M"}, "/"});
  host.guests.push_back({"b", 2, {}, "/"});  // no mem=: UML's default 64 MiB
  PreflightReport report = RunPreflight({"mem=512M", "root=/dev/root"}, host);
  EXPECT_EQ(host.spaces_asked.back(), "/srv/umlmem");
  EXPECT_EQ(Messages(report, Severity::kWarning),
            "this guest (512 MiB) and 2 running guest(s) (576 MiB) may use more than "
            "/srv/umlmem (tmpfs, 900 MiB free of 1 GiB)\n");
  EXPECT_FALSE(report.Refused(false));
  EXPECT_TRUE(report.Refused(true));
}

TEST(Preflight, MemoryOnDiskAndTooBigAreWarnings) {
  FakeHost host;
  host.space = {false, "ext2/3/4", 100 * kMiB, 50 * kMiB};
  PreflightReport report = RunPreflight({"mem=64M", "root=/dev/root"}, host);
  // Without TMPDIR and with /dev/shm not a tmpfs, UML falls back to /tmp.
  EXPECT_EQ(GuestMemoryDir(host), "/tmp");
  EXPECT_EQ(Messages(report, Severity::kWarning),
            "guest memory goes to /tmp (ext2/3/4, 50 MiB free of 100 MiB), not a tmpfs: every "
            "page the guest touches is written to disk (set TMPDIR to a tmpfs such as /dev/shm)\n"
            "this guest's memory (64 MiB) does not fit in /tmp (ext2/3/4, 50 MiB free of 100 MiB)\n");
}

TEST(Preflight, NonExtRootAndBadArgumentsAndMissingE2fsck) {
  FakeHost host;
  host.AddFile("raw.img", 1, true, /*ext=*/false);
  PreflightReport raw = RunPreflight({"ubd0=raw.img"}, host);
  EXPECT_TRUE(host.fsck_runs.empty());
  EXPECT_NE(Messages(raw, Severity::kNote).find("not an ext2/3/4 filesystem"), std::string::npos);

  PreflightReport bad = RunPreflight({"ubd0x=raw.img"}, host);
  EXPECT_TRUE(bad.Refused(false));

  class NoFsck : public FakeHost {
    Result<FsckResult> Fsck(const std::string&, bool) override {
      return Status::Error("e2fsck not found (install e2fsprogs)");
    }
  } no_fsck;
  no_fsck.AddFile("root.img", 1);
  PreflightReport missing = RunPreflight({"ubd0=root.img"}, no_fsck);
  EXPECT_EQ(Messages(missing, Severity::kWarning),
            "root image not checked: e2fsck not found (install e2fsprogs)\n");
}

}  // namespace
}  // namespace umla::bridge
