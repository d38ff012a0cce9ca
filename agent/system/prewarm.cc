#include "agent/system/prewarm.h"

#include <elf.h>
#include <link.h>
#include <malloc.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

// The ELF header of this executable, mapped with it (defined by the linker). Hidden:
// reached PC-relative, never through a GOT entry not relocated yet at the entry.
extern "C" const ElfW(Ehdr) __ehdr_start __attribute__((visibility("hidden")));

namespace {

// x86-64's page; at the ELF entry there is no sysconf to ask. On a kernel with larger
// pages the image's populates fail (unaligned) and do nothing: best effort.
constexpr uintptr_t kPage = 4096;

// madvise without errno: at the ELF entry there is no thread pointer to find it by.
__attribute__((no_stack_protector)) long AdviseRaw(uintptr_t start, uintptr_t end,
                                                   long advice) {
#if defined(__x86_64__)
  long result;
  __asm__ volatile("syscall"
                   : "=a"(result)
                   : "a"(SYS_madvise), "D"(start), "S"(end - start), "d"(advice)
                   : "rcx", "r11", "memory");
  return result;
#else
  return ::madvise(reinterpret_cast<void*>(start), end - start, static_cast<int>(advice));
#endif
}

// Touching the lowest byte of a frame this deep grows the stack mapping down to it.
__attribute__((noinline)) void GrowStack(size_t bytes) {
  volatile char* frame = static_cast<volatile char*>(__builtin_alloca(bytes));
  frame[0] = 0;
}

}  // namespace

// No loop here may become a memset or memcpy call: at the ELF entry those resolve
// through IFUNC relocations glibc has not applied yet.
extern "C" __attribute__((no_stack_protector)) void umla_populate_image(const void* code_end) {
  const char* header = reinterpret_cast<const char*>(&__ehdr_start);
  const auto* segments = reinterpret_cast<const ElfW(Phdr)*>(header + __ehdr_start.e_phoff);
  // Where the image was loaded relative to its link addresses (0 unless position
  // independent: the segment that starts at file offset 0 holds the header), and the
  // end of the data made read-only once relocated (.got and the like: at the entry
  // still writable, later no longer, which fails a populate for writing).
  uintptr_t bias = 0, relro_linked_end = 0;
  for (int i = 0; i < __ehdr_start.e_phnum; ++i) {
    const ElfW(Phdr)& segment = segments[i];
    if (segment.p_type == PT_LOAD && segment.p_offset == 0) {
      bias = reinterpret_cast<uintptr_t>(header) - segment.p_vaddr;
    } else if (segment.p_type == PT_GNU_RELRO) {
      relro_linked_end = segment.p_vaddr + segment.p_memsz;
    }
  }
  uintptr_t relro_end =
      relro_linked_end == 0 ? 0 : (bias + relro_linked_end + kPage - 1) & ~(kPage - 1);
  uintptr_t boot_path_end = reinterpret_cast<uintptr_t>(code_end);
  for (int i = 0; i < __ehdr_start.e_phnum; ++i) {
    const ElfW(Phdr)& segment = segments[i];
    if (segment.p_type != PT_LOAD) continue;
    uintptr_t start = (bias + segment.p_vaddr) & ~(kPage - 1);
    uintptr_t end = (bias + segment.p_vaddr + segment.p_memsz + kPage - 1) & ~(kPage - 1);
    if (segment.p_flags & PF_W) {
      if (AdviseRaw(start, end, MADV_POPULATE_WRITE) != 0 && relro_end > start && relro_end < end) {
        AdviseRaw(start, relro_end, MADV_POPULATE_READ);
        AdviseRaw(relro_end, end, MADV_POPULATE_WRITE);
      }
    } else if ((segment.p_flags & PF_X) && boot_path_end > start && boot_path_end <= end) {
      // Only the boot path's part: reading all the code (1.1 MB) costs more than it saves.
      AdviseRaw(start, boot_path_end, MADV_POPULATE_READ);
    }
  }
}

namespace umla::agent {

void PopulateForWrite(void* address, size_t bytes) {
  static const uintptr_t page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  uintptr_t start = (reinterpret_cast<uintptr_t>(address) + page - 1) & ~(page - 1);
  uintptr_t end = (reinterpret_cast<uintptr_t>(address) + bytes) & ~(page - 1);
  if (end > start) AdviseRaw(start, end, MADV_POPULATE_WRITE);
}

void MapIntoHost() {
  pid_t task = ::vfork();
  if (task == 0) ::_exit(0);
  if (task > 0) ::waitpid(task, nullptr, 0);
}

void PrewarmHeapAndStack(size_t stack_reserve) {
  // malloc's heap as it is: the `arena` bytes below the break (its start is not known
  // otherwise without reading /proc/self/maps). A sanitizer's malloc has none of it.
  uintptr_t heap_end = reinterpret_cast<uintptr_t>(::sbrk(0));
  size_t heap_size = mallinfo2().arena;
  if (heap_size <= heap_end) {
    PopulateForWrite(reinterpret_cast<void*>(heap_end - heap_size), heap_size);
  }
  GrowStack(stack_reserve);
  char here;
  uintptr_t top = reinterpret_cast<uintptr_t>(&here);
  PopulateForWrite(reinterpret_cast<void*>(top - stack_reserve), stack_reserve);
  MapIntoHost();
}

}  // namespace umla::agent
