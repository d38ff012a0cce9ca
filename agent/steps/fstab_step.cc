#include "agent/steps/fstab_step.h"

#include <spdlog/spdlog.h>

#include "agent/core/fstab_plan.h"
#include "agent/steps/storage_probe.h"
#include "agent/system/file_system.h"
#include "agent/system/mounts.h"
#include "agent/system/seams.h"

namespace umla::agent {
namespace {

class FstabStep : public Step {
 public:
  std::string_view name() const override { return "fstab"; }
  std::vector<std::string_view> keys() const override {
    return {"fstab", "fstab.swap", "hostfs", "hostfs.mountpoint", "hostfs.hostdir"};
  }

  StepOutcome Run(StepContext& context) override {
    StepOutcome outcome;
    SettingReader read(context.settings);
    bool enabled = read.Bool("fstab", true);
    FstabOptions options;
    options.swap = read.Bool("fstab.swap", true);
    options.hostfs = read.Bool("hostfs", true);
    if (options.hostfs) {
      options.mountpoint = read.Path("hostfs.mountpoint", "/mnt/host");
      options.hostdir = read.Path("hostfs.hostdir", "", true);
    }
    if (auto early = EarlyOutcome(read, enabled, "fstab")) return *early;
    Result<FstabSnapshot> snapshot = TakeSnapshot(*context.system, options);
    if (!snapshot.ok()) {
      outcome.status = snapshot.status().Annotate("fstab");
      return outcome;
    }
    FstabPlan plan = PlanFstab(*snapshot, options);
    for (const std::string& note : plan.notes) spdlog::warn("fstab: {} {}", kFstabPath, note);
    if (plan.changed && !context.dry_run) {
      Status written = context.system->files->WriteFileAtomic(
          kFstabPath, plan.text, snapshot->text ? &*snapshot->text : nullptr);
      if (!written.ok()) {
        outcome.status = written;
        return outcome;
      }
    }
    for (const std::string& line : plan.changes) ReportChange(context, outcome, line);
    std::vector<std::string> errors;
    Mounts& mounts = *context.system->mounts;
    ApplyEach(context, outcome, errors, plan.make_dirs,
              [&](const std::string& dir) { return mounts.MakeMountPoint(dir); },
              DescribeMountPoint);
    outcome.status = JoinErrors(errors);
    return outcome;
  }

 private:
  static Result<FstabSnapshot> TakeSnapshot(SystemSeams& system, const FstabOptions& options) {
    FstabSnapshot snapshot;
    Result<std::optional<std::string>> text = system.files->ReadFileIfPresent(kFstabPath);
    if (!text.ok()) return text.status();
    snapshot.text = *text;
    FstabFile file = ParseFstab(snapshot.text.value_or(""));
    for (const std::string& message : DescribeUnreadableLines(file, kFstabPath)) {
      spdlog::warn("fstab: {}", message);
    }
    if (options.swap) {
      std::vector<std::string> notes;
      Result<SwapProbe> swaps = ProbeSwapDevices(*system.nodes, &notes);
      // Without a device list (an image tree) swap entries are left as they are.
      if (!swaps.ok()) notes.push_back(swaps.status().message() + "; swap entries left alone");
      for (const std::string& note : notes) spdlog::info("fstab: {}", note);
      if (swaps.ok()) {
        snapshot.swaps = swaps->swaps;
        snapshot.unprobed = swaps->unprobed;
      }
      snapshot.devices_known = swaps.ok();
      std::vector<std::string> specs;
      for (const FstabLine& line : file.lines) {
        if (line.is_entry && line.type() == "swap")
          specs.push_back(DecodeOctalEscapes(line.spec()));
      }
      snapshot.present = LookUpPaths(*system.nodes, specs);
    }
    if (options.hostfs) {
      std::vector<std::string> dirs = HostfsMountpoints(file);
      dirs.push_back(options.mountpoint);
      for (const std::string& dir : dirs) {
        Result<std::optional<NodeStat>> node = system.nodes->Lstat(dir);
        if (node.ok() && node->has_value() && (*node)->kind == NodeKind::kDirectory) {
          snapshot.existing_dirs.insert(dir);
        }
      }
    }
    return snapshot;
  }
};

}  // namespace

std::unique_ptr<Step> MakeFstabStep() { return std::make_unique<FstabStep>(); }

}  // namespace umla::agent
