// `uml-bridge run`: start a UML kernel with the agent's line wired to a socketpair,
// watch it until ready (or timeout, or exit), and stay or detach.
#pragma once

#include <string>
#include <vector>

#include "host-bridge/commands/session.h"

namespace umla::bridge {

struct RunOptions {
  WatchOptions watch;
  std::string console_log;  // empty: this terminal (stderr)
  bool detach = false;
  std::string pidfile;
  std::string cow;             // --cow FILE: root disk on a COW layer (run_preflight.h)
  bool skip_preflight = false;  // --no-preflight
  bool strict = false;          // --strict: a preflight warning refuses too
  std::string kernel;
  std::vector<std::string> kernel_args;
  std::vector<std::string> extra_args;  // added by other features (network, images)
  bool image_args = true;  // add what the ubd0 image asks for (/etc/uml-agent/kernel-args)
};

int RunGuest(const RunOptions& options);

}  // namespace umla::bridge
