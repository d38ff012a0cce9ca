#include "agent/steps/modules_step.h"

#include <algorithm>

#include "agent/core/proc_tables.h"
#include "agent/system/file_system.h"
#include "agent/system/guest_info.h"
#include "agent/system/module_mounts.h"
#include "agent/system/mounts.h"
#include "agent/system/seams.h"

namespace umla::agent {

std::optional<ModulesPlan> PlanModules(const ModulesSnapshot& snapshot,
                                       const std::string& host_modules_dir, std::string* why_not) {
  if (snapshot.tree_present) {
    *why_not = "/lib/modules/" + snapshot.release + " is present";
    return std::nullopt;
  }
  if (snapshot.already_mounted) {
    *why_not = "/lib/modules/" + snapshot.release + " is already mounted";
    return std::nullopt;
  }
  return ModulesPlan{host_modules_dir + "/" + snapshot.release, "/lib/modules/" + snapshot.release};
}

namespace {

class ModulesStep : public Step {
 public:
  std::string_view name() const override { return "modules"; }
  std::vector<std::string_view> keys() const override {
    return {"modules.enable", "modules.host_dir"};
  }

  StepOutcome Run(StepContext& context) override {
    StepOutcome outcome;
    Result<bool> enabled = context.settings.Bool("modules.enable", true);
    if (!enabled.ok()) {
      outcome.status = enabled.status();
      return outcome;
    }
    if (!*enabled) {
      outcome.skipped = true;
      outcome.skip_reason = "modules.enable is off";
      return outcome;
    }
    Result<std::string> host_dir =
        context.settings.Path("modules.host_dir", "/usr/lib/uml/modules");
    if (!host_dir.ok()) {
      outcome.status = host_dir.status();
      return outcome;
    }
    if (context.system->modules == nullptr) {
      outcome.skipped = true;
      outcome.skip_reason = "not the running system (--root): its kernel's modules are not ours";
      return outcome;
    }
    ModuleMounts& mounts = *context.system->modules;
    ModulesSnapshot snapshot;
    snapshot.release = KernelRelease();
    std::string target = "/lib/modules/" + snapshot.release;
    snapshot.tree_present = context.system->files->Exists(target + "/modules.dep");
    // A tree of its own is the usual case on a later boot: then no mount table is read.
    if (!snapshot.tree_present) {
      Result<std::string> table = context.system->mounts->ReadMounts();
      if (!table.ok()) {
        outcome.status = table.status();
        return outcome;
      }
      std::vector<MountEntry> entries = ParseProcMounts(*table);
      snapshot.already_mounted = std::any_of(entries.begin(), entries.end(), [&](const auto& m) {
        return m.target == target;
      });
    }
    std::string why_not;
    std::optional<ModulesPlan> plan = PlanModules(snapshot, *host_dir, &why_not);
    if (!plan) {
      outcome.skipped = true;
      outcome.skip_reason = why_not;
      return outcome;
    }
    std::string change = "+ mount hostfs:" + plan->host_dir + " on " + plan->target + " (ro)";
    if (context.dry_run) {
      context.PlanLine(change);
      return outcome;
    }
    Result<HostfsMount> mounted = mounts.MountHostfsReadOnly(plan->host_dir, plan->target);
    if (!mounted.ok()) {
      outcome.status = mounted.status();
    } else if (*mounted == HostfsMount::kNoHostfs) {
      outcome.skipped = true;
      outcome.skip_reason =
          "no module tree for " + snapshot.release + " and the kernel has no hostfs";
    } else if (*mounted == HostfsMount::kNoHostDir) {
      // A host without the kernel's modules is a setup, not a failure of this boot.
      outcome.skipped = true;
      outcome.skip_reason = "no module tree for " + snapshot.release + " in the guest or at " +
                            plan->host_dir + " on the host (modules.host_dir)";
    } else {
      outcome.changes.push_back(change);
    }
    return outcome;
  }

};

}  // namespace

std::unique_ptr<Step> MakeModulesStep() { return std::make_unique<ModulesStep>(); }

}  // namespace umla::agent
