// A boot step: reads a snapshot of the system, plans with a pure function, then
// applies the plan through the system seams (unless dry-run). Steps never throw on
// purpose; the runner still catches anything that escapes so one step cannot stop
// the others or the boot.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "agent/core/settings.h"
#include "common/status.h"

namespace umla::agent {

struct SystemSeams;  // agent/system/seams.h: every OS resource a step may touch

struct StepContext {
  const Settings& settings;
  SystemSeams* system;  // never null when a step runs in the agent
  bool dry_run = false;
  std::string* plan = nullptr;  // --dry-run collects the plan here (+/- lines)

  // One line of the dry-run plan (dropped when nobody collects it).
  void PlanLine(std::string_view line) const {
    if (plan == nullptr) return;
    plan->append(line);
    plan->push_back('\n');
  }
};

struct StepOutcome {
  Status status;
  bool skipped = false;              // nothing to do here (e.g. disabled by config)
  std::string skip_reason;
  std::vector<std::string> changes;  // one line per change, as in the plan
};

class Step {
 public:
  virtual ~Step() = default;
  virtual std::string_view name() const = 0;
  // The settings keys this step reads (for unknown-key warnings and docs).
  virtual std::vector<std::string_view> keys() const { return {}; }
  virtual StepOutcome Run(StepContext& context) = 0;
};

}  // namespace umla::agent
