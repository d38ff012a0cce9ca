// Snapshot helpers shared by the fstab and activate steps: which ubd devices hold
// swap (read through the DeviceNodes seam), and what block nodes non-ubd paths are.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/core/step.h"
#include "agent/core/swap_devices.h"
#include "agent/system/device_nodes.h"
#include "agent/system/file_system.h"

namespace umla::agent {

// Reads the first page of every ubd disk and partition (but the device the root
// filesystem is on) through a node that is known to be right (its canonical name,
// else a legacy one: never a node with other numbers). A device without such a node
// yet (e.g. in --dry-run on a static /dev) or whose read fails is listed as unprobed,
// with a note in `notes`. Fails only when no device list can be read.
Result<SwapProbe> ProbeSwapDevices(DeviceNodes& nodes, std::vector<std::string>* notes);

// lstat of each absolute, non-ubd path in `paths` (see PresentPaths).
PresentPaths LookUpPaths(DeviceNodes& nodes, const std::vector<std::string>& paths);

// Reads a step's settings one by one and keeps the first bad one as the step's error,
// so a step can read all its keys and then fail once, naming the key.
class SettingReader {
 public:
  explicit SettingReader(const Settings& settings) : settings_(settings) {}
  bool Bool(const std::string& key, bool fallback);
  std::string Path(const std::string& key, std::string_view fallback, bool allow_empty = false);
  const Status& status() const { return status_; }

 private:
  const Settings& settings_;
  Status status_;
};

// The outcome a step returns before doing anything: failed when one of its settings
// was bad, skipped when `enabled` is off (naming the setting `key`). nullopt: go on.
std::optional<StepOutcome> EarlyOutcome(const SettingReader& read, bool enabled,
                                        const std::string& key);

// Prints a plan line in --dry-run, or records it as a change once it was applied.
void ReportChange(StepContext& context, StepOutcome& outcome, const std::string& line);

// Applies each action (not in --dry-run) and reports it as a change, or keeps its
// error in `errors` and goes on with the next one.
template <typename Action, typename Apply, typename Describe>
void ApplyEach(StepContext& context, StepOutcome& outcome, std::vector<std::string>& errors,
               const std::vector<Action>& actions, Apply apply, Describe describe) {
  for (const Action& action : actions) {
    Status done = context.dry_run ? Status::Ok() : apply(action);
    if (done.ok())
      ReportChange(context, outcome, describe(action));
    else
      errors.push_back(done.message());
  }
}

}  // namespace umla::agent
