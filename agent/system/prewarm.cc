#include "agent/system/prewarm.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/strings.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

namespace umla::agent {
namespace {

uintptr_t PageSize() { return static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE)); }

// Touching the lowest byte of a frame this deep grows the stack mapping down to it.
__attribute__((noinline)) void GrowStack(size_t bytes) {
  volatile char* frame = static_cast<volatile char*>(__builtin_alloca(bytes));
  frame[0] = 0;
}

// One line of /proc/self/maps: "start-end perms offset dev inode [path]". Only the
// writable mappings (data, bss, heap, stack): every page of them the run touches is its
// own fault. The code is left alone: reading all of it (1.1 MB) costs more than the few
// faults left on it after the boot-path order (measured, docs/benchmarks.md).
void PopulateWritableMapping(std::string_view line) {
  size_t dash = line.find('-');
  size_t space = line.find(' ');
  if (dash == std::string_view::npos || space == std::string_view::npos || dash > space) return;
  std::string_view perms = line.substr(space + 1, 4);
  if (perms.size() < 4 || perms[0] != 'r' || perms[1] != 'w') return;
  // The kernel's own pages ([vvar], [vsyscall]) are not ours to populate.
  if (line.find("[v") != std::string_view::npos) return;
  uintptr_t start = std::strtoull(std::string(line.substr(0, dash)).c_str(), nullptr, 16);
  uintptr_t end = std::strtoull(std::string(line.substr(dash + 1, space - dash - 1)).c_str(),
                                nullptr, 16);
  // A static agent's writable mappings are a few hundred KiB; anything this large is
  // reserved, not used (a sanitizer's shadow memory is terabytes): never populate it.
  constexpr uintptr_t kLargestMapping = 16 << 20;
  if (end > start && end - start <= kLargestMapping) {
    PopulateForWrite(reinterpret_cast<void*>(start), end - start);
  }
}

}  // namespace

void PopulateForWrite(void* address, size_t bytes) {
  uintptr_t page = PageSize();
  uintptr_t start = (reinterpret_cast<uintptr_t>(address) + page - 1) & ~(page - 1);
  uintptr_t end = (reinterpret_cast<uintptr_t>(address) + bytes) & ~(page - 1);
  if (end > start) ::madvise(reinterpret_cast<void*>(start), end - start, MADV_POPULATE_WRITE);
}

void PrewarmAddressSpace(size_t heap_reserve, size_t stack_reserve) {
  std::free(std::malloc(heap_reserve));
  GrowStack(stack_reserve);
  int fd = ::open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  char maps[8192];  // a static binary has about ten mappings
  ssize_t n = ::read(fd, maps, sizeof maps);
  ::close(fd);
  if (n <= 0) return;
  for (std::string_view line : Split(std::string_view(maps, static_cast<size_t>(n)), '\n')) {
    PopulateWritableMapping(line);
  }
  pid_t task = ::vfork();
  if (task == 0) ::_exit(0);
  if (task > 0) ::waitpid(task, nullptr, 0);
}

}  // namespace umla::agent
