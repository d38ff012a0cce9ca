// Reading and writing this boot's agent state through the FileSystem seam: the state
// file (/run/uml-agent/state.json) until ready is sent, the report after it (see
// agent/core/boot_state.h).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "agent/core/boot_runner.h"
#include "agent/core/boot_state.h"
#include "agent/system/file_system.h"

namespace umla::agent {

// The state of the boot `boot_id`: of its report (ready sent) and its state file, the
// one of the later run; nothing when there is neither, they belong to an earlier boot
// (a /run that is not a tmpfs), or they do not parse (logged).
// `below_mounts`, when given, reads a path as the root filesystem holds it below later
// mounts (ReadBelowMounts): asked only when neither file is found, for a /run that a
// tmpfs mounted after the fixups now hides.
using PathReader = std::function<Result<std::optional<std::string>>(const std::string&)>;
std::optional<BootState> LoadBootState(FileSystem& files, const std::string& boot_id,
                                       const PathReader& below_mounts = nullptr);

// Writes the runner's progress to kStatePath after the fixups, for the process of this
// boot that sends ready (failures are logged, not returned). A step in flight is
// recorded on the guard's ProgressBoard instead (agent/commands/init.h).
void SaveBootState(FileSystem& files, const protocol::Hello& hello, const BootRunner& runner);

}  // namespace umla::agent
