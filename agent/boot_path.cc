#include "agent/boot_path.h"

// Listed last in agent/boot-path.order (scripts/boot-order.sh puts it there), so the
// linker places it right after every function the boot runs: its address is where
// the boot path's code ends. C linkage: the order file names it as is.
extern "C" __attribute__((noinline, used)) void umla_boot_path_end() {
  __asm__ volatile("");  // a body of its own: never folded into another function
}

namespace umla::agent {

const void* BootPathCodeEnd() {
#ifdef UMLA_BOOT_PATH_ORDERED
  return reinterpret_cast<const void*>(&umla_boot_path_end);
#else
  return nullptr;
#endif
}

}  // namespace umla::agent
