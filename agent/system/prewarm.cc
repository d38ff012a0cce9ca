#include "agent/system/prewarm.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/strings.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
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

// A mapping's range from one line of /proc/self/maps: "start-end perms offset dev inode
// [path]". False for a line that is not one.
bool ParseMapping(std::string_view line, uintptr_t* start, uintptr_t* end,
                  std::string_view* perms) {
  size_t dash = line.find('-');
  size_t space = line.find(' ');
  if (dash == std::string_view::npos || space == std::string_view::npos || dash > space) {
    return false;
  }
  *perms = line.substr(space + 1, 4);
  if (perms->size() < 4) return false;
  *start = std::strtoull(std::string(line.substr(0, dash)).c_str(), nullptr, 16);
  *end = std::strtoull(std::string(line.substr(dash + 1, space - dash - 1)).c_str(), nullptr, 16);
  return *end > *start;
}

// Writable mappings (data, bss, heap, stack): every page of them the run touches is its
// own fault. Code: only the boot path's part at the start of the executable mapping
// (`code_end`, see the header); reading all of it (1.1 MB) costs more than it saves.
void PopulateMapping(std::string_view line, const void* code_end) {
  uintptr_t start = 0, end = 0;
  std::string_view perms;
  if (!ParseMapping(line, &start, &end, &perms) || perms[0] != 'r') return;
  // The kernel's own pages ([vvar], [vsyscall]) are not ours to populate.
  if (line.find("[v") != std::string_view::npos) return;
  if (perms[1] == 'w') {
    // A static agent's writable mappings are a few hundred KiB; anything this large is
    // reserved, not used (a sanitizer's shadow memory is terabytes): never populate it.
    constexpr uintptr_t kLargestMapping = 16 << 20;
    if (end - start <= kLargestMapping) {
      PopulateForWrite(reinterpret_cast<void*>(start), end - start);
    }
    return;
  }
  uintptr_t boot_path_end = reinterpret_cast<uintptr_t>(code_end);
  if (perms[2] == 'x' && boot_path_end > start && boot_path_end <= end) {
    ::madvise(reinterpret_cast<void*>(start), boot_path_end - start, MADV_POPULATE_READ);
  }
}

}  // namespace

void PopulateForWrite(void* address, size_t bytes) {
  uintptr_t page = PageSize();
  uintptr_t start = (reinterpret_cast<uintptr_t>(address) + page - 1) & ~(page - 1);
  uintptr_t end = (reinterpret_cast<uintptr_t>(address) + bytes) & ~(page - 1);
  if (end > start) ::madvise(reinterpret_cast<void*>(start), end - start, MADV_POPULATE_WRITE);
}

void PrewarmAddressSpace(size_t heap_reserve, size_t stack_reserve, const void* code_end) {
  std::free(std::malloc(heap_reserve));
  GrowStack(stack_reserve);
  int fd = ::open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  char maps[8192];  // a static binary has about ten mappings
  ssize_t n = ::read(fd, maps, sizeof maps);
  ::close(fd);
  if (n <= 0) return;
  for (std::string_view line : Split(std::string_view(maps, static_cast<size_t>(n)), '\n')) {
    PopulateMapping(line, code_end);
  }
  pid_t task = ::vfork();
  if (task == 0) ::_exit(0);
  if (task > 0) ::waitpid(task, nullptr, 0);
}

}  // namespace umla::agent
