// The boot steps in the order they run. Order matters: device nodes before fstab
// (fstab needs the right node names), fstab before activation.
#pragma once

#include <memory>
#include <vector>

#include "agent/core/step.h"

namespace umla::agent {

std::vector<std::unique_ptr<Step>> MakeBootSteps();

}  // namespace umla::agent
