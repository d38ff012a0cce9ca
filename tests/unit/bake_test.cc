#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "host-bridge/bake/bake_plan.h"
#include "host-bridge/bake/image_args.h"
#include "host-bridge/bake/init_detect.h"
#include "host-bridge/bake/init_file_edits.h"
#include "host-bridge/bake/initscripts_data.h"
#include "host-bridge/bake/manifest.h"
#include "host-bridge/bake/run_capture.h"
#include "tests/unit/fake_tree.h"

namespace umla::bridge {
namespace {

std::string Golden(const std::string& name) {
  std::ifstream in(std::string(UMLA_TEST_DATA) + "/bake/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Compares with a golden file; UMLA_UPDATE_GOLDEN=1 rewrites it (review the diff).
void ExpectGolden(const std::string& actual, const std::string& name) {
  if (getenv("UMLA_UPDATE_GOLDEN"))
    std::ofstream(std::string(UMLA_TEST_DATA) + "/bake/" + name) << actual;
  EXPECT_EQ(actual, Golden(name)) << name;
}

TEST(InitDetect, EachLayout) {
  InitFacts systemd;
  systemd.sbin_init_link = "/lib/systemd/systemd";
  EXPECT_EQ(*DetectInit(systemd), InitSystem::kSystemd);
  InitFacts busybox;
  busybox.sbin_init_link = "/bin/busybox";
  EXPECT_EQ(*DetectInit(busybox), InitSystem::kBusybox);
  InitFacts sysvinit;
  sysvinit.sbin_init_file = true;
  sysvinit.etc_inittab = true;
  EXPECT_EQ(*DetectInit(sysvinit), InitSystem::kSysvinit);
  InitFacts openrc = sysvinit;  // Debian's openrc boots through sysvinit's init
  openrc.openrc_run = true;
  EXPECT_EQ(*DetectInit(openrc), InitSystem::kOpenrc);
  InitFacts usrmerged;
  usrmerged.lib_systemd_systemd = true;
  EXPECT_EQ(*DetectInit(usrmerged), InitSystem::kSystemd);
}

TEST(InitDetect, UnknownSaysWhatItSaw) {
  InitFacts odd;
  odd.sbin_init_link = "/usr/bin/runit-init";
  Result<InitSystem> detected = DetectInit(odd);
  ASSERT_FALSE(detected.ok());
  EXPECT_NE(detected.status().message().find("/sbin/init -> /usr/bin/runit-init"),
            std::string::npos);
  EXPECT_NE(detected.status().message().find("--init"), std::string::npos);
}

TEST(Manifest, RoundTripAndValidation) {
  Manifest manifest;
  manifest.init = "sysvinit";
  manifest.Add({ManifestEntry::Kind::kDirectory, "/etc/uml-agent", "", 0755});
  manifest.Add({ManifestEntry::Kind::kFile, "/sbin/uml-agent", "", 0755});
  manifest.Add({ManifestEntry::Kind::kFile, "/sbin/uml-agent", "", 0755});  // once per path
  manifest.Add(
      {ManifestEntry::Kind::kEdit, "/etc/inittab", "/var/lib/uml-agent/backup/etc_inittab", 0600});
  Result<Manifest> parsed = ParseManifest(RenderManifest(manifest), "m.json");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  ASSERT_EQ(parsed->entries.size(), 3u);
  EXPECT_EQ(parsed->entries[2].kind, ManifestEntry::Kind::kEdit);
  EXPECT_EQ(parsed->entries[2].backup, "/var/lib/uml-agent/backup/etc_inittab");
  EXPECT_EQ(parsed->entries[2].mode, 0600u);
  EXPECT_FALSE(
      ParseManifest(
          R"({"version":1,"init":"x","kernel_args":"","entries":[{"kind":"file","path":"../etc"}]})",
          "m")
          .ok());
  EXPECT_FALSE(
      ParseManifest(
          R"({"version":1,"init":"x","kernel_args":"","entries":[{"kind":"edit","path":"/etc/x"}]})",
          "m")
          .ok());
  EXPECT_FALSE(ParseManifest("[]", "m").ok());
  // An image's names need not be UTF-8: the manifest is still written, never a throw.
  Manifest latin1;
  latin1.Add({ManifestEntry::Kind::kFile, "/etc/caf\xe9", "", 0644});
  EXPECT_NE(RenderManifest(latin1).find("/etc/caf\xef\xbf\xbd"), std::string::npos);
}

TEST(DependFiles, BootScriptRunsBeforeCheckrootAndMountall) {
  std::string out =
      AddDependTarget(Golden("depend.boot.in"), "uml-agent", {"mountkernfs.sh", "mountdevsubfs.sh"},
                      false, {"checkroot.sh", "mountall.sh", "networking"});
  ExpectGolden(out, "depend.boot.out");
  EXPECT_EQ(AddDependTarget(out, "uml-agent", {}, false, {}), out);  // idempotent
}

TEST(DependFiles, ReadyScriptRunsAfterEverything) {
  std::string out = AddDependTarget(Golden("depend.start.in"), "uml-agent-ready", {}, true, {});
  ExpectGolden(out, "depend.start.out");
}

TEST(Inittab, SysinitFirstReadyLastOnce) {
  const std::string& ours = InitScript("busybox/inittab.lines");
  std::string out = AddInittabLines(Golden("inittab.in"), ours);
  ExpectGolden(out, "inittab.out");
  EXPECT_EQ(AddInittabLines(out, ours), out);
}

using FakeTree = InMemoryTree<TreeView>;

TEST(PlanBake, SystemdWithWrapperAsksForInitAndLeavesReadyToTheUnit) {
  FakeTree tree;
  BakeRequest request;
  request.init = InitSystem::kSystemd;
  request.wrapper = true;
  request.agent_path = "/build/uml-agent";
  Result<BakePlan> plan = PlanBake(request, tree);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->kernel_args, "init=/sbin/uml-agent uml_agent.ready.late=yes");
  std::set<std::string> paths;
  for (const auto& item : plan->items) paths.insert(item.path);
  for (const char* path : {"/sbin/uml-agent", "/etc/uml-agent/config.json",
                           "/etc/uml-agent/kernel-args", "/etc/systemd/system/uml-agent.service",
                           "/etc/systemd/system/multi-user.target.wants/uml-agent-ready.service"}) {
    EXPECT_TRUE(paths.count(path)) << path;
  }
  EXPECT_EQ(plan->items.front().path, "/var");  // manifest and backups have a home first
}

TEST(PlanBake, BusyboxWithoutInittabFallsBackToTheWrapper) {
  FakeTree tree;
  BakeRequest request;
  request.init = InitSystem::kBusybox;
  Result<BakePlan> plan = PlanBake(request, tree);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->kernel_args, "init=/sbin/uml-agent");
  tree.files["/etc/inittab"] = "::sysinit:/etc/init.d/rcS\n";
  plan = PlanBake(request, tree);
  EXPECT_EQ(plan->kernel_args, "");
}

// A file to edit that cannot be read (too large, an I/O error) stops the plan, named:
// it is neither taken as missing (the integration left out) nor replaced.
TEST(PlanBake, AFileToEditThatCannotBeReadStopsThePlan) {
  for (InitSystem init : {InitSystem::kBusybox, InitSystem::kSysvinit}) {
    FakeTree tree;
    tree.files["/etc/inittab"] = "::sysinit:/etc/init.d/rcS\n";
    tree.files["/etc/init.d/.depend.boot"] = "TARGETS = mountall.sh\n";
    tree.unreadable = init == InitSystem::kBusybox ? "/etc/inittab" : "/etc/init.d/.depend.boot";
    BakeRequest request;
    request.init = init;
    Result<BakePlan> plan = PlanBake(request, tree);
    EXPECT_EQ(plan.status().message(), "read " + tree.unreadable + ": Input/output error");
  }
}

TEST(ImageArgs, FindsTheRootImage) {
  EXPECT_EQ(*RootImageOf({"mem=64M", "ubd0=root.img", "root=/dev/ubda"}), "root.img");
  EXPECT_EQ(*RootImageOf({"ubd0r=ro.img"}), "ro.img");
  EXPECT_EQ(*RootImageOf({"ubd0=root.cow,base.img"}), "base.img");
  EXPECT_FALSE(RootImageOf({"ubd1=swap.img", "--", "ubd0=x"}));
}

TEST(ImageArgs, TheUsersArgumentsWin) {
  ImageArgs merged = MergeImageArgs("init=/sbin/uml-agent uml_agent.ready.late=yes\n",
                                     {"ubd0=r.img", "init=/bin/sh"});
  EXPECT_EQ(merged.added, std::vector<std::string>{"uml_agent.ready.late=yes"});
  EXPECT_TRUE(merged.refused.empty());
  EXPECT_TRUE(MergeImageArgs("", {}).added.empty());
}

// The image is the guest's: an argument that opens host files or ports is not taken.
TEST(ImageArgs, TakesOnlyInitAndAgentSettingsFromTheImage) {
  ImageArgs merged = MergeImageArgs(
      "init=/sbin/uml-agent ubd1=/etc/shadow con1=port:2222 initrd=/host/x hostfs=/ "
      "eth1=tuntap,tap9 mem=64G umid=other init=relative uml_agent.= uml_agent.net=on "
      "uml_agent.x=\x1b[31m\n",
      {"ubd0=r.img"});
  EXPECT_EQ(merged.added, (std::vector<std::string>{"init=/sbin/uml-agent", "uml_agent.net=on"}));
  ASSERT_EQ(merged.refused.size(), 10u);
  EXPECT_EQ(merged.refused[0],
            "the image asks for kernel argument ubd1=/etc/shadow, which uml-bridge does not "
            "take from an image: only init= and uml_agent.* are");
  EXPECT_NE(merged.refused[1].find("argument con1=port:2222,"), std::string::npos);
  EXPECT_NE(merged.refused[9].find("argument uml_agent.x=?[31m,"), std::string::npos);
}

TEST(RunCapture, StopsAProgramThatPrintsTooMuch) {
  std::string out;
  EXPECT_EQ(RunCapture({"head", "-c", "100000", "/dev/zero"}, &out, nullptr, 4096),
            kCaptureOverLimit);
  EXPECT_EQ(out.size(), 4096u);
  out.clear();
  EXPECT_EQ(RunCapture({"printf", "init=/sbin/uml-agent"}, &out, nullptr, 4096), 0);
  EXPECT_EQ(out, "init=/sbin/uml-agent");
  EXPECT_EQ(RunCapture({"/nonexistent/program"}, nullptr, nullptr), 127);
}

// A bridge started with fd 1 closed: RunCapture's stderr file gets fd 1, and wiring
// the stdout pipe to 1 first must not send stderr into stdout. Run in a forked process
// (its exit status says what went wrong) so the test's own stdout stays open.
TEST(RunCapture, KeepsStdoutAndStderrApartWhenFdOneWasClosed) {
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (fcntl(0, F_GETFD) < 0 && open("/dev/null", O_RDONLY) != 0) _exit(10);
    close(1);
    std::string out, err;
    int status = RunCapture({"sh", "-c", "echo out; echo err >&2"}, &out, &err);
    _exit(status != 0 ? 11 : out != "out\n" ? 12 : err != "err\n" ? 13 : 0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "11: failed to run, 12: wrong stdout, 13: wrong stderr";
}

}  // namespace
}  // namespace umla::bridge
