// The boot path's code in this build of the agent (agent/boot-path.order), and the
// prewarming a boot's run does with it.
#pragma once

namespace umla::agent {

// PrewarmAddressSpace (agent/system/prewarm.h) with a boot's heap and stack reserves
// and the functions `uml-agent boot` runs, which the linker put first in the code in
// the order of agent/boot-path.order (none in a build linked without that order).
void PrewarmBootRun();

}  // namespace umla::agent
