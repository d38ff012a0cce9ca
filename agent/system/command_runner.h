// Runs the user's own readiness command (setting ready.command, and systemctl for
// ready.unit): the only place the agent starts another program. fork + execve, never
// system(); stdin is /dev/null; the command runs in its own process group, which is
// killed when the time limit passes so a hanging command cannot stall the boot.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace umla::agent {

// The exit status (0..255, 128+N for a signal) of `argv` (argv[0] an absolute path),
// or an error naming the program when it could not start or ran past `timeout_ms`.
Result<int> RunCommandWithTimeout(const std::vector<std::string>& argv, uint64_t timeout_ms);

}  // namespace umla::agent
