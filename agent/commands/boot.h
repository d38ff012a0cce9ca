// `uml-agent boot`: load settings, run the boot steps, report over the console line,
// keep the report under /run. Never fails the boot: the exit code only says whether
// every step was ok (0) or some failed (1).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agent/core/boot_state.h"
#include "agent/core/settings.h"

namespace umla::agent {

// Which part of a boot this run does (see docs/boot-integration.md): everything, only
// hello and the steps (the PID-1 wrapper, early init scripts), only the readiness gates
// and ready (a late init script: `uml-agent ready`), or record that the fixups process
// of the PID-1 wrapper died (kRecover, used by the wrapper only).
enum class BootPhase { kAll, kFixups, kReady, kRecover };

struct BootOptions {
  std::string root = "/";
  std::string channel;  // empty: from settings, default /dev/tty7
  std::string config_path = "/etc/uml-agent/config.json";
  std::string cmdline_path = "/proc/cmdline";
  std::vector<std::string> only_steps;  // empty: all
  std::vector<std::string> settings;    // KEY=VALUE from --set, highest precedence
  std::string mode = "boot";
  bool dry_run = false;
  BootPhase phase = BootPhase::kAll;
  std::string recover_reason;  // kRecover: why the fixups process stopped
  // kRecover: what the stopped process had done (from its ProgressBoard); without it
  // the boot's state is read (LoadBootState), unless that is a run that sent ready.
  std::optional<BootState> resume;
  // Set by a guard waiting for this run (agent/commands/init.h): every frame sent and
  // each step about to run are recorded here.
  class ProgressBoard* progress = nullptr;
  // Set by a guard that loaded the settings already (its child shares or copies its
  // memory): they are not read and parsed twice. Ignored when the guard could not read
  // the kernel command line (no /proc yet; the run mounts it, then loads its own).
  const struct LoadedSettings* preloaded = nullptr;
};

int RunBoot(const BootOptions& options);

struct LoadedSettings {
  Settings settings;
  std::vector<std::string> problems;  // broken sources; each becomes a failed "config" step
  bool cmdline_read = false;
};

class FileSystem;
// Loads every settings source in precedence order; a broken source is described in
// `problems` and the rest still load, so the steps run on defaults at worst.
LoadedSettings LoadBootSettings(const BootOptions& options, FileSystem& files);

// A run that reported ready and then failed or stopped in `step` (the directory sync
// after ready): its kept report gets that step as failed, and is no longer ok.
void AddFailedStepToReport(const std::string& root, const std::string& step,
                           const std::string& reason);

// `uml-agent status`: prints the last run's report; 1 when there is none.
int RunStatus(const std::string& root, bool json);

}  // namespace umla::agent
