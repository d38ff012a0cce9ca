// Where the boot path's code ends in this build of the agent (agent/boot-path.order).
#pragma once

namespace umla::agent {

// The end of the functions `uml-agent boot` runs, which the linker put first in the
// code in the order of agent/boot-path.order; nullptr when this build was linked
// without that order (no lld), where no such range exists.
const void* BootPathCodeEnd();

}  // namespace umla::agent
