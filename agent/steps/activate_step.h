// The `activate` step: swapon and mount, in this boot, what fstab names and is not
// on yet (see agent/core/activate_plan.h), through swapon(2)/mount(2). Setting: activate.
#pragma once

#include <memory>

#include "agent/core/step.h"

namespace umla::agent {

std::unique_ptr<Step> MakeActivateStep();

}  // namespace umla::agent
