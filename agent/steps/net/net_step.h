// The `net` step: brings the interface up with the address, MTU and routes of the
// net.* settings (through NetworkControl), writes the distribution's own network
// files to match (unless net.persist=no), and takes back the files it wrote for any
// other interface (for every interface, with net.persist=no). Skipped when no net.*
// key is set.
#pragma once

#include <memory>

#include "agent/core/step.h"

namespace umla::agent {

std::unique_ptr<Step> MakeNetStep();

}  // namespace umla::agent
