#include "agent/steps/activate_step.h"

#include <spdlog/spdlog.h>

#include "agent/core/activate_plan.h"
#include "agent/core/fstab_text.h"
#include "agent/steps/fstab_step.h"
#include "agent/steps/storage_probe.h"
#include "agent/system/file_system.h"
#include "agent/system/mounts.h"
#include "agent/system/seams.h"

namespace umla::agent {
namespace {

class ActivateStep : public Step {
 public:
  std::string_view name() const override { return "activate"; }
  std::vector<std::string_view> keys() const override { return {"activate"}; }

  StepOutcome Run(StepContext& context) override {
    StepOutcome outcome;
    SettingReader read(context.settings);
    bool enabled = read.Bool("activate", true);
    if (auto early = EarlyOutcome(read, enabled, "activate")) return *early;
    Result<ActivateSnapshot> snapshot = TakeSnapshot(*context.system);
    if (!snapshot.ok()) {
      outcome.status = snapshot.status().Annotate("activate");
      return outcome;
    }
    if (snapshot->mounts.empty()) {
      // A running system always has its root in /proc/self/mounts; an image tree (--root)
      // has none, and swapon or mount there would act on this machine instead.
      outcome.skipped = true;
      outcome.skip_reason =
          "/proc/self/mounts is empty or missing under the root: not a running system";
      return outcome;
    }
    ActivatePlan plan = PlanActivate(*snapshot);
    Mounts& mounts = *context.system->mounts;
    std::vector<std::string> errors = plan.problems;
    ApplyEach(context, outcome, errors, plan.swapon,
              [&](const SwapRequest& request) { return mounts.Swapon(request); }, DescribeSwapon);
    ApplyEach(context, outcome, errors, plan.mounts,
              [&](const MountRequest& request) { return mounts.Mount(request); }, DescribeMount);
    outcome.status = JoinErrors(errors);
    return outcome;
  }

 private:
  static Result<ActivateSnapshot> TakeSnapshot(SystemSeams& system) {
    ActivateSnapshot snapshot;
    Result<std::optional<std::string>> text = system.files->ReadFileIfPresent(kFstabPath);
    if (!text.ok()) return text.status();
    snapshot.fstab_path = kFstabPath;
    snapshot.fstab_text = text->value_or("");
    Result<std::string> swaps_text = system.mounts->ReadSwaps();
    if (!swaps_text.ok()) return swaps_text.status();
    snapshot.active_swaps = ParseProcSwaps(*swaps_text);
    Result<std::string> mounts_text = system.mounts->ReadMounts();
    if (!mounts_text.ok()) return mounts_text.status();
    snapshot.mounts = ParseProcMounts(*mounts_text);
    if (snapshot.mounts.empty()) return snapshot;  // not a running system: Run skips

    std::vector<std::string> notes;
    Result<SwapProbe> swaps = ProbeSwapDevices(*system.nodes, &notes);
    if (!swaps.ok()) notes.push_back(swaps.status().message() + "; no swap turned on");
    for (const std::string& note : notes) spdlog::info("activate: {}", note);
    if (swaps.ok()) {
      snapshot.swaps = swaps->swaps;
      snapshot.unprobed = swaps->unprobed;
    }
    std::vector<std::string> paths = snapshot.active_swaps;
    for (const FstabLine& line : ParseFstab(snapshot.fstab_text).lines) {
      if (line.is_entry && line.type() == "swap") paths.push_back(DecodeOctalEscapes(line.spec()));
    }
    snapshot.present = LookUpPaths(*system.nodes, paths);
    return snapshot;
  }
};

}  // namespace

std::unique_ptr<Step> MakeActivateStep() { return std::make_unique<ActivateStep>(); }

}  // namespace umla::agent
