// `uml-bridge wait`: watch the agent's line of a guest someone else started.
#pragma once

#include <string>
#include <vector>

#include "host-bridge/commands/session.h"

namespace umla::bridge {

struct WaitOptions {
  WatchOptions watch;
  std::vector<std::string> channels;  // each fifo:PATH, pts:PATH or umid:NAME
};

int WaitForGuest(const WaitOptions& options);

}  // namespace umla::bridge
