// The `dns` step: writes /etc/resolv.conf from the dns.* settings, atomically and
// marked as the agent's. A resolv.conf that is a symlink into a resolver daemon's
// runtime directory is left alone (the step says so). Skipped when no dns.* is set.
#pragma once

#include <memory>

#include "agent/core/step.h"

namespace umla::agent {

std::unique_ptr<Step> MakeDnsStep();

}  // namespace umla::agent
