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
#ifdef UMLA_BOOT_PATH_ORDERED
  const void* code_end = reinterpret_cast<const void*>(&umla_boot_path_end);
#else
  const void* code_end = nullptr;  // no such range without the order
#endif
  PrewarmAddressSpace(kBootHeapReserve, kBootStackReserve, code_end);
}

}  // namespace umla::agent
