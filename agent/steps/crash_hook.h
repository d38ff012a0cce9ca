// Test hook, not a feature: with the hidden setting debug.crash_step=abort (or =hang)
// a step named "debug-crash" calls abort() (or sleeps forever), so the end-to-end
// tests can prove that the PID-1 wrapper survives a crashing or hanging step and
// still execs the real init. Absent unless the setting is given.
#pragma once

#include <memory>

#include "agent/core/step.h"

namespace umla::agent {

// Null when debug.crash_step is unset or "0"/"no".
std::unique_ptr<Step> MakeCrashHookStep(const Settings& settings);

}  // namespace umla::agent
