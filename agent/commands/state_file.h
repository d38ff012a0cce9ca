// Reading and writing this boot's agent state (/run/uml-agent/state.json, see
// agent/core/boot_state.h) through the FileSystem seam.
#pragma once

#include <optional>
#include <string>

#include "agent/core/boot_runner.h"
#include "agent/core/boot_state.h"
#include "agent/system/file_system.h"

namespace umla::agent {

// The state of the boot `boot_id`: ready sent when this boot's report is there, else
// the state file; nothing when there is none yet, it belongs to an earlier boot (a
// /run that is not a tmpfs), or it does not parse (logged).
std::optional<BootState> LoadBootState(FileSystem& files, const std::string& boot_id);

// Writes the runner's progress to kStatePath after the fixups, for the process of this
// boot that sends ready (once it did, its report is the state) (failures are logged, not returned). A step in flight is recorded on the
// guard's ProgressBoard instead (agent/commands/init.h).
void SaveBootState(FileSystem& files, const protocol::Hello& hello, const BootRunner& runner);

}  // namespace umla::agent
