// Which program the PID-1 wrapper execs after the fixups. Pure: existence is asked
// through `is_executable`, so the fallback order is unit-tested.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "agent/core/settings.h"

namespace umla::agent {

inline constexpr const char* kDefaultInit = "/sbin/init";

// The PID-1 wrapper's own settings (init.exec, init.timeout_ms, ready.late), and how
// long one process may wait on the line (channel.timeout_ms), which its time limits
// for the agent's processes allow for. A bad value is replaced by its default and
// named in `problems`: the wrapper must exec an init whatever the settings say, and
// the boot run it guards reports the problems as its failed `config` step.
struct WrapperKeys {
  std::string init = kDefaultInit;
  uint64_t timeout_ms = 10000;  // at least 1: 0 would stop every fixup at once
  bool ready_late = false;
  uint64_t channel_timeout_ms = 2000;
};
WrapperKeys ParseWrapperKeys(const Settings& settings, std::vector<std::string>* problems);

// The configured init first, then the kernel's own fallbacks in the kernel's order
// (init/main.c: /sbin/init, /etc/init, /bin/init, /bin/sh), without repeats and never
// the wrapper itself (`is_wrapper`: its path, or a link or other name of its file),
// which would exec itself for ever.
std::vector<std::string> InitCandidates(const std::string& configured,
                                        const std::function<bool(const std::string&)>& is_wrapper);

// The first candidate that is executable; empty when none is (the caller panics
// the way the kernel would, with a message naming what was tried).
std::string ChooseInit(const std::vector<std::string>& candidates,
                       const std::function<bool(const std::string&)>& is_executable);

}  // namespace umla::agent
