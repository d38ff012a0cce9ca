// The boot path's code in this build of the agent (agent/boot-path.order), and the
// prewarming a boot's run does with it.
#pragma once

namespace umla::agent {

// What a boot's run does before its work (agent/system/prewarm.h): populates its heap
// and stack and maps them into the host. The image itself (data, bss and the
// functions `uml-agent boot` runs, which the linker put first in the order of
// agent/boot-path.order) was mapped at the ELF entry (agent/entry.cc, x86-64 builds
// linked in that order); in other builds it is done here: the data, and the ordered
// code where there is an order.
void PrewarmBootRun();

}  // namespace umla::agent
