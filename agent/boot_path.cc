#include "agent/boot_path.h"

#include "agent/system/prewarm.h"

// Listed last in agent/boot-path.order (scripts/boot-order.sh puts it there), so the
// linker places it right after every function the boot runs: its address is where
// the boot path's code ends. C linkage: the order file names it as is.
extern "C" __attribute__((noinline, used)) void umla_boot_path_end() {
  __asm__ volatile("");  // a body of its own: never folded into another function
}

namespace umla::agent {

void PrewarmBootRun() {
#if defined(UMLA_PREWARM_AT_ENTRY)
  // The image was done at the ELF entry.
#elif defined(UMLA_BOOT_PATH_ORDERED)
  umla_populate_image(reinterpret_cast<const void*>(&umla_boot_path_end));
#else
  umla_populate_image(nullptr);  // data and bss only: the code is in no particular order
#endif
  PrewarmHeapAndStack(kBootStackReserve);
}

}  // namespace umla::agent
