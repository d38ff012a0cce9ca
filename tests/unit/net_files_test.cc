// The net step's own files for an interface it no longer configures (net.iface
// changed, net.persist=no): taken out of use with their content kept, and only its own.
#include <gtest/gtest.h>

#include <algorithm>

#include "agent/steps/net/ifupdown_interfaces.h"
#include "agent/steps/net/net_step.h"
#include "agent/steps/net/persistent_files.h"
#include "agent/steps/net/stale_files.h"
#include "tests/unit/golden.h"
#include "tests/unit/net_step_fixture.h"

namespace umla::agent {
namespace {

const std::string kIfcfg0 = "/etc/sysconfig/network-scripts/ifcfg-eth0";
const std::string kRoute0 = "/etc/sysconfig/network-scripts/route-eth0";
const std::string kPart0 = "/etc/network/interfaces.d/uml-agent-eth0";
const std::string kUnit0 = "/etc/systemd/network/10-uml-agent-eth0.network";
const std::string kOnEth1 = std::string(kNetCmdline) + " uml_agent.net.iface=eth1";
const std::string kNoPersist = std::string(kNetCmdline) + " uml_agent.net.persist=no";

class NetFilesTest : public NetStepFixture {
 protected:
  void SetUp() override {
    NetStepFixture::SetUp();
    network.interfaces["eth1"] = {true, false, 1500, {}, {}};
  }
  // A boot on eth0, a backup of an earlier version of its ifupdown file under the
  // hidden name a backup gets there (the fake keeps none itself), and files the
  // agent did not write beside them.
  void BootOnEth0() {
    ASSERT_TRUE(Run(*net, kNetCmdline).status.ok());
    files.files[BackupPath(kPart0)] = files.files[kPart0];
    foreign = {{"/etc/network/interfaces.d/uml-agent-wlan0", "auto wlan0\niface wlan0 inet dhcp\n"},
               {"/etc/sysconfig/network-scripts/ifcfg-lo", "DEVICE=lo\nONBOOT=yes\n"},
               {"/etc/systemd/network/10-uml-agent-wlan0.network", "[Match]\nName=wlan0\n"},
               {"/etc/network/interfaces.d/eth2", files.files[kPart0]}};  // not its name
    for (const auto& [path, content] : foreign) files.files[path] = content;
  }
  void ExpectForeignFilesUntouched() {
    for (const auto& [path, content] : foreign) {
      EXPECT_EQ(files.files[path], content) << path;
      EXPECT_FALSE(files.files.count(HiddenPath(path))) << path;
    }
  }
  std::unique_ptr<Step> net = MakeNetStep();
  std::map<std::string, std::string> foreign;
};

TEST_F(NetFilesTest, ANewInterfaceTakesTheOldOnesFilesOutOfUseAndKeepsThem) {
  BootOnEth0();
  std::map<std::string, std::string> before = files.files;

  StepOutcome outcome = Run(*net, kOnEth1, /*dry_run=*/true);
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
  EXPECT_EQ(plan,
            "+ link eth1 up\n+ address 192.0.2.2/24 brd 192.0.2.255 dev eth1\n"
            "+ route 203.0.113.0/24 via 192.0.2.9 dev eth1\n"
            "+ route default via 192.0.2.254 dev eth1\n"
            "- remove /etc/sysconfig/network-scripts/ifcfg-eth0 (kept as .ifcfg-eth0)\n"
            "- remove /etc/sysconfig/network-scripts/route-eth0 (kept as .route-eth0)\n"
            "- remove /etc/network/interfaces.d/uml-agent-eth0 (kept as .uml-agent-eth0)\n"
            "- remove /etc/systemd/network/10-uml-agent-eth0.network"
            " (kept as .10-uml-agent-eth0.network)\n"
            "+ write /etc/sysconfig/network-scripts/ifcfg-eth1\n"
            "+ write /etc/sysconfig/network-scripts/route-eth1\n"
            "+ write /etc/network/interfaces\n"
            "+ write /etc/network/interfaces.d/uml-agent-eth1\n"
            "+ write /etc/systemd/network/10-uml-agent-eth1.network\n");
  EXPECT_EQ(files.files, before);  // a dry run changes nothing

  outcome = Run(*net, kOnEth1);
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
  for (const std::string& old : {kIfcfg0, kRoute0, kPart0, kUnit0}) {
    EXPECT_FALSE(files.files.count(old)) << old;
    EXPECT_EQ(files.files[HiddenPath(old)], before[old]) << old;
  }
  EXPECT_EQ(files.files[BackupPath(kPart0)], before[BackupPath(kPart0)]);  // hidden already
  ExpectForeignFilesUntouched();
  EXPECT_NE(files.files["/etc/network/interfaces.d/uml-agent-eth1"].find("iface eth1 inet static"),
            std::string::npos);
  // eth0's own stanza is back; eth1's is the one commented out now.
  umla::testing::ExpectGolden("net/interfaces-eth1.out", files.files["/etc/network/interfaces"]);

  plan.clear();
  files.listed.clear();
  EXPECT_TRUE(Run(*net, kOnEth1, true).status.ok());
  EXPECT_TRUE(Run(*net, kOnEth1).changes.empty());
  EXPECT_EQ(plan, "");
  EXPECT_TRUE(files.listed.empty());

  // Back to eth0: eth1's files go the same way, and eth0's are written anew (the
  // hidden copies of the earlier ones replaced).
  outcome = Run(*net, kNetCmdline);
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
  EXPECT_EQ(files.files[kPart0], before[kPart0]);
  EXPECT_FALSE(files.files.count("/etc/network/interfaces.d/uml-agent-eth1"));
  EXPECT_TRUE(files.files.count("/etc/network/interfaces.d/.uml-agent-eth1"));
  EXPECT_EQ(files.files["/etc/network/interfaces"],
            umla::testing::ReadGolden("net/interfaces.out"));
}

// net.persist=no: the image's network files are as it had them, with the agent's
// kept aside; the interface itself is still configured.
TEST_F(NetFilesTest, WithoutPersistAllItsFilesGoAndTheImagesOwnComeBack) {
  const std::string original = "DEVICE=eth0\nBOOTPROTO=dhcp\nONBOOT=yes\n";
  files.files[kIfcfg0] = original;
  BootOnEth0();
  files.files[BackupPath(kIfcfg0)] = original;  // as WriteFileAtomic keeps it
  std::map<std::string, std::string> before = files.files;

  StepOutcome outcome = Run(*net, kNoPersist, true);
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
  EXPECT_NE(plan.find("- remove /etc/sysconfig/network-scripts/ifcfg-eth0 (kept as .ifcfg-eth0)\n"
                      "+ restore /etc/sysconfig/network-scripts/ifcfg-eth0 from "
                      ".ifcfg-eth0.uml-agent.bak\n"),
            std::string::npos)
      << plan;
  EXPECT_NE(plan.find("+ write /etc/network/interfaces\n"), std::string::npos) << plan;
  EXPECT_EQ(files.files, before);

  outcome = Run(*net, kNoPersist);
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
  EXPECT_EQ(files.files[kIfcfg0], original);
  EXPECT_EQ(files.files[BackupPath(kIfcfg0)], original);
  EXPECT_EQ(files.files[HiddenPath(kIfcfg0)], before[kIfcfg0]);
  for (const std::string& old : {kRoute0, kPart0, kUnit0}) {
    EXPECT_FALSE(files.files.count(old)) << old;
    EXPECT_EQ(files.files[HiddenPath(old)], before[old]) << old;
  }
  EXPECT_EQ(files.files["/etc/network/interfaces"], umla::testing::ReadGolden("net/interfaces.in"));
  ExpectForeignFilesUntouched();

  plan.clear();
  EXPECT_TRUE(Run(*net, kNoPersist).changes.empty());
  EXPECT_TRUE(Run(*net, kNoPersist, true).status.ok());
  EXPECT_EQ(plan, "");
}

// A hidden name taken by a file that is not the agent's: that one stays, the stale
// file goes beside it as .NAME.old (not read as configuration either). Only when that
// name is taken as well does the stale file stay, named.
TEST_F(NetFilesTest, AHiddenNameTakenByAForeignFileKeepsThatFile) {
  BootOnEth0();
  const std::string hidden = "/etc/systemd/network/.10-uml-agent-eth0.network";
  files.files[hidden] = "an admin's own\n";
  const std::string unit = files.files[kUnit0];
  StepOutcome outcome = Run(*net, kOnEth1);
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
  EXPECT_FALSE(files.files.count(kUnit0));
  EXPECT_EQ(files.files[hidden], "an admin's own\n");
  EXPECT_EQ(files.files[hidden + ".old"], unit);
  EXPECT_NE(std::find(outcome.changes.begin(), outcome.changes.end(),
                      "- remove " + kUnit0 + " (kept as .10-uml-agent-eth0.network.old)"),
            outcome.changes.end());
  EXPECT_FALSE(files.files.count(kPart0));
  EXPECT_TRUE(files.files.count("/etc/systemd/network/10-uml-agent-eth1.network"));
}

TEST_F(NetFilesTest, BothHiddenNamesTakenByForeignFilesKeepTheFileAndSaySo) {
  BootOnEth0();
  const std::string hidden = "/etc/systemd/network/.10-uml-agent-eth0.network";
  files.files[hidden] = "an admin's own\n";
  files.files[hidden + ".old"] = "another of the admin's\n";
  StepOutcome outcome = Run(*net, kOnEth1);
  EXPECT_EQ(outcome.status.message(),
            hidden + ".old is in the way (not a file of uml-agent's): " + kUnit0 +
                " is left in place");
  EXPECT_TRUE(files.files.count(kUnit0));
  EXPECT_EQ(files.files[hidden], "an admin's own\n");
  EXPECT_EQ(files.files[hidden + ".old"], "another of the admin's\n");
  EXPECT_FALSE(files.files.count(kPart0));  // the others go all the same
  EXPECT_TRUE(files.files.count("/etc/systemd/network/10-uml-agent-eth1.network"));
}

TEST_F(NetFilesTest, AFileThatCannotBeMovedAsideFailsTheStepNamingIt) {
  BootOnEth0();
  files.fail_write = kPart0;
  StepOutcome outcome = Run(*net, kOnEth1);
  EXPECT_EQ(outcome.status.message(), "rename " + kPart0 + ": Read-only file system");
  EXPECT_TRUE(files.files.count(kPart0));
  EXPECT_FALSE(files.files.count(kUnit0));
  EXPECT_TRUE(files.files.count("/etc/network/interfaces.d/uml-agent-eth1"));
}

// Backups an earlier agent kept under visible names where the distribution reads every
// file (interfaces.d: "source DIR/*" read the old stanza as a second eth0; Red Hat's
// scripts read ifcfg-eth0.uml-agent.prev) move to the hidden names backups get now, on
// the next boot that writes a network file; a stale file is still put back from one.
TEST_F(NetFilesTest, BackupsUnderVisibleNamesMoveToHiddenOnes) {
  const std::string original = "DEVICE=eth0\nBOOTPROTO=dhcp\nONBOOT=yes\n";
  BootOnEth0();
  files.files.erase(BackupPath(kPart0));
  files.files[kPart0 + kBackupSuffix] = "auto eth0\niface eth0 inet static\n  address 192.0.2.7/24\n";
  files.files[kPart0 + kPreviousSuffix] = "an earlier stanza\n";
  files.files[kIfcfg0 + kBackupSuffix] = original;
  files.files[kIfcfg0 + kPreviousSuffix] = files.files[kIfcfg0];
  files.files["/etc/fstab" + std::string(kBackupSuffix)] = "kept where it is\n";
  std::map<std::string, std::string> before = files.files;

  const std::string kOtherAddress = std::string(kNetCmdline) + " uml_agent.net.address=192.0.2.3/24";
  StepOutcome outcome = Run(*net, kOtherAddress, /*dry_run=*/true);
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
  EXPECT_NE(plan.find("- remove /etc/network/interfaces.d/uml-agent-eth0.uml-agent.bak"
                      " (kept as .uml-agent-eth0.uml-agent.bak)\n"),
            std::string::npos)
      << plan;
  EXPECT_EQ(files.files, before);

  outcome = Run(*net, kOtherAddress);
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
  for (const std::string& file : {kPart0, kIfcfg0}) {
    EXPECT_FALSE(files.files.count(file + kBackupSuffix)) << file;
    EXPECT_FALSE(files.files.count(file + kPreviousSuffix)) << file;
    EXPECT_EQ(files.files[BackupPath(file)], before[file + kBackupSuffix]) << file;
  }
  EXPECT_EQ(files.files["/etc/fstab" + std::string(kBackupSuffix)], "kept where it is\n");

  // Once they are gone a boot that writes nothing looks no further.
  files.listed.clear();
  ASSERT_TRUE(Run(*net, kOtherAddress).changes.empty());
  EXPECT_TRUE(files.listed.empty());

  // Without persist, the image's ifcfg-eth0 comes back from the moved backup.
  outcome = Run(*net, kNoPersist);
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
  EXPECT_EQ(files.files[kIfcfg0], original);
}

// An image whose settings do not change has them moved too (the boot writes nothing).
TEST_F(NetFilesTest, AVisibleBackupMovesAlsoWhenNothingIsWritten) {
  BootOnEth0();
  files.files.erase(BackupPath(kPart0));
  files.files[kPart0 + kBackupSuffix] = "an older stanza\n";
  StepOutcome outcome = Run(*net, kNetCmdline);
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
  EXPECT_EQ(outcome.changes, std::vector<std::string>{"- remove " + kPart0 + kBackupSuffix +
                                                       " (kept as .uml-agent-eth0.uml-agent.bak)"});
  EXPECT_EQ(files.files[BackupPath(kPart0)], "an older stanza\n");
  EXPECT_FALSE(files.files.count(kPart0 + kBackupSuffix));
}

// A visible backup goes over a hidden one of the agent's own (the net step writes that
// content again from its settings): ifupdown stops reading it.
TEST_F(NetFilesTest, AVisibleBackupReplacesAHiddenOneOfTheAgents) {
  BootOnEth0();
  ASSERT_TRUE(IsNetStepFile(files.files[BackupPath(kPart0)]));
  files.files[kPart0 + kBackupSuffix] = "an older stanza\n";
  StepOutcome outcome = Run(*net, std::string(kNetCmdline) + " uml_agent.net.address=192.0.2.3/24");
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
  EXPECT_EQ(files.files[BackupPath(kPart0)], "an older stanza\n");
  EXPECT_FALSE(files.files.count(kPart0 + kBackupSuffix));
  EXPECT_NE(files.files[kPart0].find("192.0.2.3/24"), std::string::npos);
}

// A visible .prev is older than a hidden .prev with other content (only hidden ones are
// written now): the newer stays, the older steps aside to .NAME.old, also out of
// ifupdown's sight. With the same content it simply moves.
TEST_F(NetFilesTest, AnOlderVisiblePreviousVersionStepsAside) {
  BootOnEth0();
  const std::string newer = files.files[kPart0] + "# edited by hand\n";
  files.files[PreviousPath(kPart0)] = newer;
  files.files[kPart0 + kBackupSuffix] = "the image's own stanza\n";
  files.files[kPart0 + kPreviousSuffix] = files.files[kPart0] + "# an older version\n";
  const std::string older = files.files[kPart0 + kPreviousSuffix];
  files.files.erase(BackupPath(kPart0));
  StepOutcome outcome = Run(*net, kNetCmdline);
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
  EXPECT_EQ(files.files[PreviousPath(kPart0)], newer);
  EXPECT_EQ(files.files[PreviousPath(kPart0) + ".old"], older);
  EXPECT_FALSE(files.files.count(kPart0 + kPreviousSuffix));
  EXPECT_EQ(files.files[BackupPath(kPart0)], "the image's own stanza\n");
  EXPECT_NE(std::find(outcome.changes.begin(), outcome.changes.end(),
                      "- remove " + kPart0 + kPreviousSuffix +
                          " (kept as .uml-agent-eth0.uml-agent.prev.old)"),
            outcome.changes.end());
}

// One whose hidden name holds a file that is not the agent's, with other content,
// goes beside it as .NAME.old: neither is lost, and ifupdown reads neither. With the
// same content it takes the hidden name.
TEST_F(NetFilesTest, AVisibleBackupWhoseHiddenNameIsTakenGoesBesideIt) {
  BootOnEth0();
  files.files[BackupPath(kPart0)] = "the image's own stanza\n";
  files.files[kPart0 + kBackupSuffix] = "an older stanza\n";
  StepOutcome outcome = Run(*net, std::string(kNetCmdline) + " uml_agent.net.address=192.0.2.3/24");
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
  EXPECT_FALSE(files.files.count(kPart0 + kBackupSuffix));
  EXPECT_EQ(files.files[BackupPath(kPart0) + ".old"], "an older stanza\n");
  EXPECT_EQ(files.files[BackupPath(kPart0)], "the image's own stanza\n");
  EXPECT_NE(files.files[kPart0].find("192.0.2.3/24"), std::string::npos);

  files.files[kPart0 + kBackupSuffix] = "the image's own stanza\n";
  outcome = Run(*net, std::string(kNetCmdline) + " uml_agent.net.address=192.0.2.3/24");
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
  EXPECT_FALSE(files.files.count(kPart0 + kBackupSuffix));
  EXPECT_EQ(files.files[BackupPath(kPart0)], "the image's own stanza\n");
}

// The case an earlier agent left behind: a visible backup of its own stanza (the
// marker) and a hidden one without: the visible one no longer stays, "in the way" at
// every boot.
TEST_F(NetFilesTest, AVisibleBackupOfTheAgentsBesideAForeignHiddenOneGoesOnce) {
  BootOnEth0();
  files.files[BackupPath(kPart0)] = "the image's own stanza\n";
  const std::string agents = files.files[kPart0] + "# an earlier version\n";
  files.files[kPart0 + kBackupSuffix] = agents;
  StepOutcome outcome = Run(*net, kNetCmdline);
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
  EXPECT_EQ(files.files[BackupPath(kPart0) + ".old"], agents);
  EXPECT_EQ(files.files[BackupPath(kPart0)], "the image's own stanza\n");
  outcome = Run(*net, kNetCmdline);
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
  EXPECT_TRUE(outcome.changes.empty());
}

// The original an earlier agent kept under the visible name is what comes back when
// the agent's files go, also after it went aside for a hidden backup with other content.
TEST_F(NetFilesTest, TheOriginalThatWentAsideIsWhatComesBack) {
  const std::string original = "DEVICE=eth0\nBOOTPROTO=dhcp\nONBOOT=yes\n";
  files.files[kIfcfg0] = original;
  BootOnEth0();
  files.files[kIfcfg0 + kBackupSuffix] = original;  // an earlier agent's first backup
  files.files[BackupPath(kIfcfg0)] = "DEVICE=eth0\nBOOTPROTO=none\n";  // a later copy
  ASSERT_TRUE(Run(*net, kNetCmdline).status.ok());
  ASSERT_EQ(files.files[BackupPath(kIfcfg0) + ".old"], original);
  StepOutcome outcome = Run(*net, kNoPersist);
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
  EXPECT_EQ(files.files[kIfcfg0], original);
}

// Two files of the agent's whose hidden names would be the same in one plan: the
// second goes further aside, neither replaces the other.
TEST(PlanStaleFiles, NoTwoFilesGoToTheSameName) {
  AgentFileDirectory dir{"/etc/sysconfig/network-scripts", {kIfcfgPrefix}};
  const std::string ours = RenderIfcfg("eth0", {});
  ASSERT_TRUE(IsNetStepFile(ours));
  std::vector<std::string> names{".ifcfg-eth0", "ifcfg-eth0", "ifcfg-eth0.old"};
  std::map<std::string, std::string> contents{
      {".ifcfg-eth0", "an admin's own\n"}, {"ifcfg-eth0", ours}, {"ifcfg-eth0.old", ours + "#\n"}};
  StaleFiles stale = PlanStaleFiles(dir, names, contents, {});
  EXPECT_TRUE(stale.errors.empty());
  ASSERT_EQ(stale.removals.size(), 2u);
  EXPECT_EQ(stale.removals[0].hidden, dir.dir + "/.ifcfg-eth0.old");
  EXPECT_EQ(stale.removals[1].path, dir.dir + "/ifcfg-eth0.old");
  EXPECT_EQ(stale.removals[1].hidden, dir.dir + "/.ifcfg-eth0.old.old");
}

// The name an earlier agent gave a VLAN interface's part file, which run-parts
// skipped but "source DIR/*" read, is taken out of use like any other.
TEST_F(NetFilesTest, AnEarlierNameOfTheSameInterfacesPartFileGoes) {
  ASSERT_TRUE(Run(*net, kNetCmdline).status.ok());  // interfaces.d exists now
  const std::string dotted = "/etc/network/interfaces.d/uml-agent-eth0.100";
  files.files[dotted] = RenderIfupdownStanza("eth0.100", {});
  network.interfaces["eth0.100"] = {true, false, 1500, {}, {}};
  StepOutcome outcome = Run(*net, std::string(kNetCmdline) + " uml_agent.net.iface=eth0.100");
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
  EXPECT_TRUE(files.files.count("/etc/network/interfaces.d/uml-agent-eth0_100"));
  EXPECT_FALSE(files.files.count(dotted));
  EXPECT_TRUE(files.files.count(HiddenPath(dotted)));
}

// An interfaces file that is there but cannot be read is not replaced by one made
// from nothing; the step fails naming it, and the other files are still written.
TEST_F(NetFilesTest, AnUnreadableInterfacesFileIsLeftAloneAndNamed) {
  const std::string interfaces = "/etc/network/interfaces";
  files.files[interfaces] = "auto lo\niface lo inet loopback\n";
  files.fail_read = interfaces;
  StepOutcome outcome = Run(*net, kNetCmdline);
  EXPECT_FALSE(outcome.status.ok());
  EXPECT_NE(outcome.status.message().find("read /etc/network/interfaces: Input/output error"),
            std::string::npos)
      << outcome.status.message();
  EXPECT_EQ(files.files[interfaces], "auto lo\niface lo inet loopback\n");
  EXPECT_EQ(std::count(files.writes.begin(), files.writes.end(), interfaces), 0);
  EXPECT_EQ(std::count(files.writes.begin(), files.writes.end(), kPart0), 1);
}

TEST(IfupdownInterfaces, EveryEditIsUndoneFromTheFileAlone) {
  std::string adapted = umla::testing::ReadGolden("net/interfaces.out");
  std::string original = umla::testing::ReadGolden("net/interfaces.in");
  EXPECT_EQ(RestoreIfupdownInterfaces(adapted, /*drop_source_line=*/true), original);
  std::string kept = RestoreIfupdownInterfaces(adapted, false);
  EXPECT_EQ(kept.substr(0, original.size()), original);
  EXPECT_EQ(kept.substr(original.size()),
            "\n# Added by uml-agent: read the interface files in interfaces.d\n"
            "source /etc/network/interfaces.d/*\n");
  EXPECT_EQ(AdaptIfupdownInterfaces(adapted, "eth0"), adapted);
  EXPECT_EQ(AdaptIfupdownInterfaces(AdaptIfupdownInterfaces(adapted, "eth1"), "eth0"), adapted);
  // A file with nothing to undo stays as it is.
  EXPECT_EQ(RestoreIfupdownInterfaces("auto lo\n\n# note\n", true), "auto lo\n\n# note\n");
  EXPECT_EQ(RestoreIfupdownInterfaces("", true), "");
}

}  // namespace
}  // namespace umla::agent
