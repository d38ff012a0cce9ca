// The `devnodes` step: makes the ubd nodes under /dev match the disks and partitions
// the kernel has (see agent/core/devnodes_plan.h), on devtmpfs or a static /dev.
// Settings: devnodes, devnodes.legacy, devnodes.prune (docs/configuration.md).
#pragma once

#include <memory>

#include "agent/core/step.h"

namespace umla::agent {

std::unique_ptr<Step> MakeDevnodesStep();

}  // namespace umla::agent
