// The devnodes, fstab and activate steps on fake seams: what they do to the seed
// image, that a second boot does nothing, --dry-run, and bad settings.
#include <sys/swap.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "agent/core/activate_plan.h"
#include "agent/steps/activate_step.h"
#include "agent/steps/devnodes_step.h"
#include "agent/steps/fstab_step.h"
#include "agent/system/seams.h"
#include "tests/unit/fake_storage.h"
#include "tests/unit/swap_page.h"

namespace umla::agent {
namespace {

// The seed image booted with devtmpfs.mount=0 ubd0=root ubd1=swap.
class SeedGuest : public testing::Test {
 protected:
  SeedGuest() : mounts(&nodes) {
    nodes.devices = {{"ubda", 98, 0}, {"ubdb", 98, 16}};
    nodes.AddDirectory("/dev/ubd");
    for (uint32_t n = 0; n < 8; ++n) nodes.AddBlock("/dev/ubd/" + std::to_string(n), 98, n);
    // What reading the device would give once a right node exists: disk 1 holds swap.
    for (const char* path : {"/dev/ubdb", "/dev/ubd/1", "/dev/ubd1"}) {
      nodes.contents[path] = SwapPage("5c0ffee0-1234-4abc-8def-0123456789ab", "");
    }
    nodes.contents["/dev/ubd/0"] = std::string(4096, 'x');
    files.files["/etc/fstab"] = "/dev/ubd/0 / ext3 defaults 0 1\n/dev/ubd/1 none swap sw 0 0\n";
    system.files = &files;
    system.nodes = &nodes;
    system.mounts = &mounts;
  }

  StepOutcome Run(Step& step, bool dry_run = false) {
    StepContext context{settings, &system, dry_run, &plan_out};
    return step.Run(context);
  }

  // devnodes, fstab, activate, as the registry orders them.
  std::vector<StepOutcome> Boot(bool dry_run = false) {
    std::vector<StepOutcome> outcomes;
    for (auto* step : {devnodes.get(), fstab.get(), activate.get()})
      outcomes.push_back(Run(*step, dry_run));
    return outcomes;
  }

  fakes::MemoryFileSystem files;
  fakes::FakeDeviceNodes nodes;
  fakes::FakeMounts mounts;
  SystemSeams system;
  Settings settings;
  std::string plan_out;
  std::unique_ptr<Step> devnodes = MakeDevnodesStep();
  std::unique_ptr<Step> fstab = MakeFstabStep();
  std::unique_ptr<Step> activate = MakeActivateStep();
};

TEST_F(SeedGuest, FirstBootFixesNodesFstabAndActivates) {
  std::vector<StepOutcome> outcomes = Boot();
  for (const StepOutcome& outcome : outcomes)
    EXPECT_TRUE(outcome.status.ok()) << outcome.status.message();
  EXPECT_EQ(nodes.done, (std::vector<std::string>{"mknod /dev/ubda 98:0 mode 432 owner 0:0",
                                                  "mknod /dev/ubd0 98:0 mode 432 owner 0:0",
                                                  "mknod /dev/ubdb 98:16 mode 432 owner 0:0",
                                                  "mknod /dev/ubd/1 98:16 mode 432 owner 0:0",
                                                  "mknod /dev/ubd1 98:16 mode 432 owner 0:0"}));
  EXPECT_EQ(outcomes[0].changes.size(), 6u);
  EXPECT_EQ(files.files["/etc/fstab"],
            "/dev/ubd/0 / ext3 defaults 0 1\n/dev/ubd/1 none swap sw 0 0\n"
            "# uml-agent: host files\nnone /mnt/host hostfs defaults 0 0\n");
  EXPECT_EQ(files.files["/etc/fstab.uml-agent.bak"],
            "/dev/ubd/0 / ext3 defaults 0 1\n/dev/ubd/1 none swap sw 0 0\n");
  EXPECT_EQ(outcomes[1].changes, (std::vector<std::string>{"+ # uml-agent: host files",
                                                           "+ none /mnt/host hostfs defaults 0 0",
                                                           "+ /mnt/host/ d 0755"}));
  EXPECT_EQ(mounts.done, (std::vector<std::string>{"mkdir /mnt/host", "swapon /dev/ubdb",
                                                   "mount hostfs none /mnt/host data="}));
  EXPECT_EQ(outcomes[2].changes,
            (std::vector<std::string>{"+ swapon /dev/ubdb", "+ mount -t hostfs none /mnt/host"}));
}

// The root filesystem's disk is mounted: it is not read for a swap signature (were
// its first page one, it would still not be taken for swap).
TEST_F(SeedGuest, TheRootFilesystemsDiskIsNotProbedForSwap) {
  nodes.root_device = BlockDeviceInfo{"", 98, 0};
  for (const char* path : {"/dev/ubda", "/dev/ubd/0", "/dev/ubd0"}) {
    nodes.contents[path] = SwapPage("0dd0dd00-1234-4abc-8def-0123456789ab", "");
  }
  for (const StepOutcome& outcome : Boot()) EXPECT_TRUE(outcome.status.ok()) << outcome.status.message();
  EXPECT_FALSE(nodes.reads.empty());
  for (const std::string& read : nodes.reads) EXPECT_EQ(read, "/dev/ubdb");
  EXPECT_EQ(mounts.done, (std::vector<std::string>{"mkdir /mnt/host", "swapon /dev/ubdb",
                                                   "mount hostfs none /mnt/host data="}));
}

// The swap entry's options reach swapon(2) as swapon -a takes them; one it cannot take
// is named with the fstab line, and the swap goes on without it.
TEST_F(SeedGuest, SwapOptionsReachSwaponAndABadOneIsNamed) {
  struct Case {
    const char* options;
    const char* done;
    const char* problem;
  };
  const Case cases[] = {
      {"sw,pri=5,discard=once", "swapon /dev/ubdb -p 5 --discard=once", ""},
      {"defaults,discard", "swapon /dev/ubdb --discard", ""},
      {"pri=-1,discard=pages,nofail", "swapon /dev/ubdb --discard=pages", ""},
      {"pri=high", "swapon /dev/ubdb",
       "/etc/fstab:2: pri=high: expected a priority from -1 to 32767; /dev/ubdb goes on "
       "with the kernel's own"},
      {"pri=32768,discard=always", "swapon /dev/ubdb",
       "/etc/fstab:2: pri=32768: expected a priority from -1 to 32767; /dev/ubdb goes on "
       "with the kernel's own; /etc/fstab:2: discard=always: expected discard, "
       "discard=once or discard=pages; /dev/ubdb goes on without discard"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.options);
    files.files["/etc/fstab"] = "/dev/ubd/0 / ext3 defaults 0 1\n/dev/ubdb none swap " +
                                std::string(c.options) + " 0 0\nnone /mnt/host hostfs defaults 0 0\n";
    mounts.done.clear();
    mounts.swaps.clear();
    std::vector<StepOutcome> outcomes = Boot();
    auto swapon = std::find_if(mounts.done.begin(), mounts.done.end(),
                               [](const std::string& done) { return done.rfind("swapon", 0) == 0; });
    ASSERT_NE(swapon, mounts.done.end());
    EXPECT_EQ(*swapon, c.done);
    EXPECT_EQ(outcomes[2].status.ok() ? "" : outcomes[2].status.message(), c.problem);
    if (*c.problem == '\0') {
      EXPECT_EQ(outcomes[2].changes.at(0), "+ " + std::string(c.done));
    }
  }
}

TEST_F(SeedGuest, SecondBootChangesNothing) {
  Boot();
  std::string fstab_after = files.files["/etc/fstab"];
  nodes.done.clear();
  mounts.done.clear();
  files.writes.clear();
  for (const StepOutcome& outcome : Boot()) {
    EXPECT_TRUE(outcome.status.ok());
    EXPECT_TRUE(outcome.changes.empty()) << outcome.changes.front();
  }
  EXPECT_TRUE(nodes.done.empty());
  EXPECT_TRUE(mounts.done.empty());
  EXPECT_TRUE(files.writes.empty());
  EXPECT_EQ(files.files["/etc/fstab"], fstab_after);
}

TEST_F(SeedGuest, DryRunPrintsThePlanAndChangesNothing) {
  auto before_nodes = nodes.nodes;
  auto before_files = files.files;
  for (const StepOutcome& outcome : Boot(/*dry_run=*/true)) {
    EXPECT_TRUE(outcome.status.ok());
    EXPECT_TRUE(outcome.changes.empty());
  }
  EXPECT_TRUE(nodes.done.empty());
  EXPECT_TRUE(mounts.done.empty());
  EXPECT_EQ(files.files, before_files);
  std::string plan = plan_out;
  EXPECT_NE(plan.find("- /dev/ubd/1 b 98:1 0660 0:0\n+ /dev/ubd/1 b 98:16 0660 0:0\n"),
            std::string::npos)
      << plan;
  EXPECT_NE(plan.find("+ none /mnt/host hostfs defaults 0 0\n"), std::string::npos) << plan;
  // The swap can only be read once its node is right: in dry-run on a static /dev
  // only the (right) legacy node /dev/ubd/0 is there, so no swapon is planned.
  EXPECT_EQ(plan.find("swapon"), std::string::npos) << plan;
}

TEST_F(SeedGuest, StaleSwapEntryIsPointedAtTheRealSwap) {
  files.files["/etc/fstab"] = "/dev/ubd/0 / ext3 defaults 0 1\n/dev/ubd/2\tnone\tswap\tsw\t0\t0\n";
  Boot();
  EXPECT_EQ(files.files["/etc/fstab"],
            "/dev/ubd/0 / ext3 defaults 0 1\n# uml-agent: swap on /dev/ubdb (was /dev/ubd/2)\n"
            "/dev/ubdb\tnone\tswap\tsw\t0\t0\n# uml-agent: host files\n"
            "none /mnt/host hostfs defaults 0 0\n");
  EXPECT_NE(std::find(mounts.done.begin(), mounts.done.end(), "swapon /dev/ubdb"),
            mounts.done.end());
}

TEST_F(SeedGuest, BadSettingFailsOnlyThatStepNamingTheKey) {
  settings.Set("hostfs.mountpoint", "relative/dir", "kernel command line");
  settings.Set("devnodes.prune", "maybe", "/etc/uml-agent/config.json");
  std::vector<StepOutcome> outcomes = Boot();
  ASSERT_FALSE(outcomes[0].status.ok());
  EXPECT_NE(outcomes[0].status.message().find("devnodes.prune"), std::string::npos);
  EXPECT_NE(outcomes[0].status.message().find("config.json"), std::string::npos);
  ASSERT_FALSE(outcomes[1].status.ok());
  EXPECT_NE(outcomes[1].status.message().find("hostfs.mountpoint"), std::string::npos);
  EXPECT_TRUE(outcomes[2].status.ok());  // activate still runs
  EXPECT_TRUE(nodes.done.empty());
  EXPECT_TRUE(files.writes.empty());
}

TEST_F(SeedGuest, SwitchedOffStepsAreSkipped) {
  settings.Set("devnodes", "off", "--set");
  settings.Set("fstab", "no", "--set");
  settings.Set("activate", "0", "--set");
  for (const StepOutcome& outcome : Boot()) {
    EXPECT_TRUE(outcome.skipped);
    EXPECT_NE(outcome.skip_reason.find("disabled by setting"), std::string::npos);
  }
  EXPECT_TRUE(nodes.done.empty());
  EXPECT_TRUE(files.writes.empty());
  EXPECT_TRUE(mounts.done.empty());
}

TEST_F(SeedGuest, FailedSwaponIsReportedAndTheMountStillHappens) {
  mounts.fail_swapon = "Invalid argument";
  std::vector<StepOutcome> outcomes = Boot();
  ASSERT_FALSE(outcomes[2].status.ok());
  EXPECT_EQ(outcomes[2].status.message(), "swapon /dev/ubdb: Invalid argument");
  EXPECT_EQ(outcomes[2].changes, (std::vector<std::string>{"+ mount -t hostfs none /mnt/host"}));
}

TEST_F(SeedGuest, ActivateLeavesAnImageTreeAlone) {
  mounts.mounts.clear();  // --root on an image: no /proc/mounts there
  std::vector<StepOutcome> outcomes = Boot();
  EXPECT_TRUE(outcomes[2].skipped);
  EXPECT_TRUE(mounts.done == std::vector<std::string>{"mkdir /mnt/host"});
}

TEST_F(SeedGuest, ASwapFileEntryIsLeftAloneAndNoSwapEntryIsAdded) {
  files.files["/etc/fstab"] = "/swapfile none swap sw 0 0\nnone /mnt/host hostfs defaults 0 0\n";
  nodes.nodes["/swapfile"] = NodeStat{};  // a regular file
  nodes.AddDirectory("/mnt/host");
  std::vector<StepOutcome> outcomes = Boot();
  EXPECT_TRUE(outcomes[1].changes.empty()) << outcomes[1].changes.front();
  EXPECT_TRUE(files.writes.empty());
  EXPECT_EQ(outcomes[2].changes, (std::vector<std::string>{"+ mount -t hostfs none /mnt/host"}));
}

TEST_F(SeedGuest, WithoutADeviceListOnlyDevnodesFails) {
  nodes.list_error = "cannot list block devices: no /sys/block, no /proc/partitions";
  std::vector<StepOutcome> outcomes = Boot();
  EXPECT_EQ(outcomes[0].status.message(), nodes.list_error);
  EXPECT_TRUE(outcomes[1].status.ok());  // hostfs is still added; swap left alone
  EXPECT_EQ(files.files["/etc/fstab"],
            "/dev/ubd/0 / ext3 defaults 0 1\n/dev/ubd/1 none swap sw 0 0\n"
            "# uml-agent: host files\nnone /mnt/host hostfs defaults 0 0\n");
  EXPECT_TRUE(outcomes[2].status.ok());
  EXPECT_EQ(mounts.done,
            (std::vector<std::string>{"mkdir /mnt/host", "mount hostfs none /mnt/host data="}));
}

TEST_F(SeedGuest, AlreadyActiveSwapUnderALegacyNameIsNotTurnedOnAgain) {
  mounts.swaps += "/dev/ubd/1 partition 32764 0 -2\n";
  mounts.mounts += "none /mnt/host hostfs rw 0 0\n";
  std::vector<StepOutcome> outcomes = Boot();
  EXPECT_TRUE(outcomes[2].changes.empty());
  EXPECT_EQ(mounts.done, (std::vector<std::string>{"mkdir /mnt/host"}));
}

}  // namespace
}  // namespace umla::agent

namespace umla::agent {
namespace {

// The flags swapon(8) would pass (util-linux: SWAP_FLAG_PREFER with the priority in the
// low bits; discard=once and =pages as the kernel's SWAP_FLAG_DISCARD_ONCE/_PAGES).
TEST(SwapFlags, AsSwaponComputesThem) {
  EXPECT_EQ(SwapFlags({"/dev/ubdb"}), 0);
  EXPECT_EQ(SwapFlags({"/dev/ubdb", 5}), SWAP_FLAG_PREFER | 5);
  EXPECT_EQ(SwapFlags({"/dev/ubdb", 32767}), SWAP_FLAG_PREFER | 32767);
  EXPECT_EQ(SwapFlags({"/dev/ubdb", 0, "all"}), SWAP_FLAG_PREFER | SWAP_FLAG_DISCARD);
  EXPECT_EQ(SwapFlags({"/dev/ubdb", -1, "once"}), SWAP_FLAG_DISCARD | 0x20000);
  EXPECT_EQ(SwapFlags({"/dev/ubdb", -1, "pages"}), SWAP_FLAG_DISCARD | 0x40000);
}

}  // namespace
}  // namespace umla::agent
