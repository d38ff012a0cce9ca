#include "agent/steps/modules_step.h"

#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "agent/system/file_system.h"
#include "agent/system/guest_info.h"
#include "agent/system/module_mounts.h"
#include "agent/system/mounts.h"
#include "agent/system/seams.h"

namespace umla::agent {
namespace {

class FakeFiles : public FileSystem {
 public:
  Result<std::string> ReadFile(const std::string& path) override {
    auto it = files.find(path);
    if (it == files.end()) return Status::Error(path + ": missing");
    return it->second;
  }
  bool Exists(const std::string& path) override { return files.count(path) > 0; }
  Status WriteFileAtomic(const std::string& path, const std::string& content,
                         const std::string* = nullptr) override {
    files[path] = content;
    return Status::Ok();
  }
  std::map<std::string, std::string> files;
};

// The mount table (through the Mounts seam) and the hostfs mount, as LinuxMounts has both.
class FakeModuleMounts : public Mounts, public ModuleMounts {
 public:
  Result<std::string> ReadSwaps() override { return std::string(); }
  Result<std::string> ReadMounts() override {
    std::string table = "/dev/root / ext4 rw 0 0\n";
    for (const std::string& target : mounted) table += "none " + target + " hostfs ro 0 0\n";
    return table;
  }
  Status Swapon(const SwapRequest&) override { return Status::Error("not here"); }
  Status Mount(const MountRequest&) override { return Status::Error("not here"); }
  Status MakeMountPoint(const std::string&) override { return Status::Error("not here"); }
  Result<HostfsMount> MountHostfsReadOnly(const std::string& host_dir,
                                          const std::string& target) override {
    if (fail)
      return Status::Error("mount hostfs " + host_dir + " on " + target +
                           ": Permission denied");
    if (!hostfs) return HostfsMount::kNoHostfs;
    if (no_host_dir) return HostfsMount::kNoHostDir;
    mounted.insert(target);
    host_dirs.push_back(host_dir);
    return HostfsMount::kMounted;
  }
  bool hostfs = true;
  bool no_host_dir = false;
  std::set<std::string> mounted;
  std::vector<std::string> host_dirs;
  bool fail = false;
};

TEST(PlanModules, OnlyWhenMissingAndNotMounted) {
  std::string why;
  ModulesSnapshot missing{"6.1.176", false, false};
  auto plan = PlanModules(missing, "/usr/lib/uml/modules", &why);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->host_dir, "/usr/lib/uml/modules/6.1.176");
  EXPECT_EQ(plan->target, "/lib/modules/6.1.176");
  EXPECT_FALSE(PlanModules({"6.1.176", true, false}, "/h", &why));
  EXPECT_EQ(why, "/lib/modules/6.1.176 is present");
  EXPECT_FALSE(PlanModules({"6.1.176", false, true}, "/h", &why));
  EXPECT_EQ(why, "/lib/modules/6.1.176 is already mounted");
}

class ModulesStepTest : public ::testing::Test {
 protected:
  StepOutcome Run(bool dry_run = false) {
    SystemSeams seams;
    seams.files = &files;
    seams.mounts = &mounts;
    seams.modules = with_modules ? &mounts : nullptr;
    StepContext context{settings, &seams, dry_run, &plan};
    return MakeModulesStep()->Run(context);
  }
  Settings settings;
  FakeFiles files;
  FakeModuleMounts mounts;
  bool with_modules = true;
  std::string plan;
};

TEST_F(ModulesStepTest, AnImageTreeIsNotTheRunningKernelAndIsLeftAlone) {
  with_modules = false;  // --root
  StepOutcome outcome = Run(true);
  EXPECT_TRUE(outcome.skipped);
  EXPECT_NE(outcome.skip_reason.find("--root"), std::string::npos);
  EXPECT_EQ(plan, "");
}

TEST_F(ModulesStepTest, MountsOnceThenHasNothingToDo) {
  std::string target = "/lib/modules/" + KernelRelease();
  StepOutcome dry = Run(true);
  EXPECT_TRUE(dry.status.ok());
  EXPECT_EQ(plan,
            "+ mount hostfs:/usr/lib/uml/modules/" + KernelRelease() + " on " + target + " (ro)\n");
  EXPECT_TRUE(mounts.mounted.empty());  // dry run changes nothing

  StepOutcome first = Run();
  ASSERT_TRUE(first.status.ok());
  ASSERT_EQ(first.changes.size(), 1u);
  EXPECT_TRUE(mounts.mounted.count(target));

  StepOutcome second = Run();
  EXPECT_TRUE(second.skipped);
  EXPECT_TRUE(second.changes.empty());
}

TEST_F(ModulesStepTest, PresentTreeIsLeftAlone) {
  files.files["/lib/modules/" + KernelRelease() + "/modules.dep"] = "";
  StepOutcome outcome = Run();
  EXPECT_TRUE(outcome.skipped);
  EXPECT_TRUE(mounts.mounted.empty());
}

TEST_F(ModulesStepTest, AKernelWithoutHostfsIsASkipNotAFailure) {
  mounts.hostfs = false;
  StepOutcome outcome = Run();
  EXPECT_TRUE(outcome.status.ok());
  EXPECT_TRUE(outcome.skipped);
  EXPECT_NE(outcome.skip_reason.find("no hostfs"), std::string::npos);
  EXPECT_TRUE(outcome.changes.empty());
}

// A host without a module tree for this kernel (hostfs answers ENOENT once the mount
// point is there) is a skip naming where the tree was looked for, not a failed boot.
TEST_F(ModulesStepTest, AHostWithoutTheTreeIsASkipNamingWhereItLooked) {
  mounts.no_host_dir = true;
  StepOutcome outcome = Run();
  EXPECT_TRUE(outcome.status.ok());
  EXPECT_TRUE(outcome.skipped);
  EXPECT_NE(outcome.skip_reason.find("/usr/lib/uml/modules/"), std::string::npos)
      << outcome.skip_reason;
  EXPECT_TRUE(outcome.changes.empty());
}

TEST_F(ModulesStepTest, FailuresAndSettingsNameWhatWentWrong) {
  mounts.fail = true;
  StepOutcome failed = Run();
  ASSERT_FALSE(failed.status.ok());
  EXPECT_NE(failed.status.message().find("mount hostfs /usr/lib/uml/modules/"), std::string::npos);
  settings.Set("modules.host_dir", "relative", "test");
  EXPECT_NE(Run().status.message().find("modules.host_dir"), std::string::npos);
  settings.Set("modules.enable", "no", "test");
  EXPECT_TRUE(Run().skipped);
}

}  // namespace
}  // namespace umla::agent
