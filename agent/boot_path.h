// The boot path's code in this build of the agent (agent/boot-path.order), and the
// prewarming a boot's run does with it.
#pragma once

namespace umla::agent {

// What a boot's run does before its work (agent/system/prewarm.h): grows, populates
// and maps its heap and stack. The image itself (data, bss and the functions
// `uml-agent boot` runs, which the linker put first in the order of
// agent/boot-path.order) was mapped at the ELF entry (agent/entry.cc); in a build
// linked without that order there is no such entry, and the data and bss are
// populated here.
void PrewarmBootRun();

}  // namespace umla::agent
