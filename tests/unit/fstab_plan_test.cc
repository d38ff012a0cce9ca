// The fstab planner against golden files (tests/golden/fstab/NAME.in -> NAME.out,
// no NAME.in: no fstab at all), and idempotence: planning NAME.out changes nothing.
#include "agent/core/fstab_plan.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace umla::agent {
namespace {

std::optional<std::string> ReadGolden(const std::string& name) {
  std::ifstream in(std::string(UMLA_TEST_DATA) + "/fstab/" + name, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every golden case runs against this machine: swap on ubd1 (UUID and label set),
// nothing at /dev/hda2, no mount points yet.
FstabSnapshot GoldenSnapshot(std::optional<std::string> text) {
  FstabSnapshot snapshot;
  snapshot.text = std::move(text);
  snapshot.swaps = {{{1, 0}, "/dev/ubdb", {"5c0ffee0-1234-4abc-8def-0123456789ab", "umlswap"}}};
  return snapshot;
}

class FstabGolden : public testing::TestWithParam<const char*> {};

TEST_P(FstabGolden, PlanGivesTheExpectedFileAndASecondPlanIsEmpty) {
  std::string name = GetParam();
  std::optional<std::string> input = ReadGolden(name + ".in");
  std::optional<std::string> expected = ReadGolden(name + ".out");
  ASSERT_TRUE(expected) << "missing golden file " << name << ".out";
  FstabPlan plan = PlanFstab(GoldenSnapshot(input), FstabOptions{});
  EXPECT_EQ(plan.text, *expected);
  EXPECT_EQ(plan.changed, !input || *input != *expected);
  EXPECT_EQ(plan.changes.empty(), !plan.changed);

  FstabSnapshot again = GoldenSnapshot(plan.text);
  again.existing_dirs = {plan.make_dirs.begin(), plan.make_dirs.end()};
  FstabPlan second = PlanFstab(again, FstabOptions{});
  EXPECT_FALSE(second.changed);
  EXPECT_EQ(second.text, plan.text);
  EXPECT_TRUE(second.changes.empty()) << second.changes.front();
  EXPECT_TRUE(second.make_dirs.empty());
}

INSTANTIATE_TEST_SUITE_P(Cases, FstabGolden,
                         testing::Values("seed", "seed-wrong-swap", "uuid-label", "stale-label",
                                         "tabs-comments", "no-trailing-newline", "no-fstab",
                                         "owned", "unknown"));

TEST(FstabPlan, ChangesAreTheDiffAndMountPointsAreListed) {
  FstabPlan plan = PlanFstab(GoldenSnapshot(ReadGolden("seed-wrong-swap.in")), FstabOptions{});
  EXPECT_EQ(plan.changes, (std::vector<std::string>{
                              "- /dev/ubd/2\tnone\tswap\tsw\t0\t0",
                              "+ # uml-agent: swap on /dev/ubdb (was /dev/ubd/2)",
                              "+ /dev/ubdb\tnone\tswap\tsw\t0\t0", "+ # uml-agent: host files",
                              "+ none /mnt/host hostfs defaults 0 0"}));
  EXPECT_EQ(plan.make_dirs, (std::vector<std::string>{"/mnt/host"}));
  EXPECT_EQ(DescribeMountPoint("/mnt/host"), "+ /mnt/host/ d 0755");
}

TEST(FstabPlan, HostfsSettingsAndSwitchesOff) {
  FstabOptions options;
  options.mountpoint = "/host files";
  options.hostdir = "/srv/guest";
  options.swap = false;
  FstabPlan plan = PlanFstab(GoldenSnapshot(std::string("/dev/ubd/2 none swap sw 0 0\n")), options);
  EXPECT_EQ(plan.text,
            "/dev/ubd/2 none swap sw 0 0\n# uml-agent: host files\n"
            "none /host\\040files hostfs /srv/guest 0 0\n");
  EXPECT_EQ(plan.make_dirs, (std::vector<std::string>{"/host files"}));

  options.hostfs = false;
  FstabPlan nothing = PlanFstab(GoldenSnapshot(std::nullopt), options);
  EXPECT_FALSE(nothing.changed);
  EXPECT_TRUE(nothing.changes.empty());
}

TEST(FstabPlan, NoSwapDeviceLeavesSwapEntriesAlone) {
  FstabSnapshot snapshot = GoldenSnapshot(std::string("/dev/ubd/2 none swap sw 0 0\n"));
  snapshot.swaps.clear();
  snapshot.existing_dirs = {"/mnt/host"};
  FstabOptions options;
  options.hostfs = false;
  FstabPlan plan = PlanFstab(snapshot, options);
  EXPECT_FALSE(plan.changed);
  ASSERT_EQ(plan.notes.size(), 1u);
  EXPECT_EQ(plan.notes[0],
            "line 1: swap on /dev/ubd/2 names no working device, and no ubd device with swap "
            "is left to point it at; left as it is");
}

// Without a device list (an image tree without /sys or /proc) swap entries are left
// as they are, and without a word: nothing was judged.
TEST(FstabPlan, WithoutADeviceListSwapEntriesAreLeftQuietly) {
  FstabSnapshot snapshot = GoldenSnapshot(std::string("/dev/ubd/2 none swap sw 0 0\n"));
  snapshot.swaps.clear();
  snapshot.devices_known = false;
  FstabOptions options;
  options.hostfs = false;
  FstabPlan plan = PlanFstab(snapshot, options);
  EXPECT_FALSE(plan.changed);
  EXPECT_TRUE(plan.notes.empty());
}

// A ubd device whose first page could not be read (no right node yet, a read error)
// may hold the swap an entry names: the entry is not rewritten to another device.
TEST(FstabPlan, AnEntryForAnUnprobedDeviceIsLeftAlone) {
  FstabSnapshot snapshot = GoldenSnapshot(std::string("/dev/ubdc none swap sw 0 0\n"));
  snapshot.unprobed = {{2, 0}};
  FstabOptions options;
  options.hostfs = false;
  FstabPlan plan = PlanFstab(snapshot, options);
  EXPECT_FALSE(plan.changed) << plan.text;
  snapshot.unprobed.clear();
  EXPECT_TRUE(PlanFstab(snapshot, options).changed);
}

// A hostfs entry's mount point is made only when it is an absolute path without "..":
// a relative or climbing one would land beside or above an image tree (--root).
TEST(FstabPlan, OnlyPlainAbsoluteHostfsMountPointsAreMade) {
  FstabSnapshot snapshot = GoldenSnapshot(std::string(
      "none mnt/x hostfs defaults 0 0\nnone /../../x hostfs defaults 0 0\n"
      "none /mnt/y hostfs defaults 0 0\n"));
  snapshot.existing_dirs = {"/mnt/host"};
  FstabPlan plan = PlanFstab(snapshot, FstabOptions{});
  EXPECT_EQ(plan.make_dirs, std::vector<std::string>{"/mnt/y"});
}

TEST(FstabPlan, TwoStaleSwapEntriesAndOneSwapDevice) {
  FstabSnapshot snapshot =
      GoldenSnapshot(std::string("/dev/ubd/3 none swap sw 0 0\n/dev/ubd/4 none swap sw 0 0\n"));
  FstabOptions options;
  options.hostfs = false;
  FstabPlan plan = PlanFstab(snapshot, options);
  EXPECT_EQ(plan.text,
            "# uml-agent: swap on /dev/ubdb (was /dev/ubd/3)\n/dev/ubdb none swap sw 0 0\n"
            "/dev/ubd/4 none swap sw 0 0\n");
  ASSERT_EQ(plan.notes.size(), 1u);
  EXPECT_EQ(plan.notes[0].rfind("line 2: swap on /dev/ubd/4 ", 0), 0u) << plan.notes[0];
}

}  // namespace
}  // namespace umla::agent
