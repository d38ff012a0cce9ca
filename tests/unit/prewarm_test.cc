// Prewarming: what it maps is resident afterwards (mincore; for code, present in the
// page tables: /proc/self/pagemap), exactly the whole pages asked for, and the process
// goes on normally after its do-nothing task.
#include "agent/system/prewarm.h"

#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace umla::agent {
namespace {

std::vector<bool> Resident(char* start, size_t pages) {
  std::vector<unsigned char> flags(pages);
  EXPECT_EQ(mincore(start, pages * 4096, flags.data()), 0);
  std::vector<bool> resident;
  for (unsigned char flag : flags) resident.push_back((flag & 1) != 0);
  return resident;
}

TEST(Prewarm, PopulatesTheWholePagesInsideTheRange) {
  ASSERT_EQ(sysconf(_SC_PAGESIZE), 4096);
  auto* area = static_cast<char*>(
      mmap(nullptr, 8 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(area, MAP_FAILED);
  // From the middle of page 1 to the middle of page 5: pages 2, 3 and 4 only.
  PopulateForWrite(area + 4096 + 100, 4 * 4096);
  std::vector<bool> expected = {false, false, true, true, true, false, false, false};
  EXPECT_EQ(Resident(area, 8), expected);
  munmap(area, 8 * 4096);
}

alignas(4096) char g_untouched[16 * 4096];  // .bss: never touched before the test

TEST(Prewarm, TheImagesWritableSegmentsAreResident) {
  ASSERT_EQ(Resident(g_untouched, 16), std::vector<bool>(16, false));
  umla_populate_image(nullptr);
  EXPECT_EQ(Resident(g_untouched, 16), std::vector<bool>(16, true));
}

// The stack below this frame, `pages` deep, as mincore sees it.
__attribute__((noinline)) std::vector<bool> StackBelow(size_t pages) {
  char here;
  uintptr_t top = reinterpret_cast<uintptr_t>(&here) & ~uintptr_t{4095};
  return Resident(reinterpret_cast<char*>(top - pages * 4096), pages);
}

size_t CountResident(const std::vector<bool>& pages) {
  return static_cast<size_t>(std::count(pages.begin(), pages.end(), true));
}

// Where the [heap] mapping starts (0: none).
uintptr_t HeapStart() {
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);) {
    if (line.find("[heap]") != std::string::npos) return std::stoul(line, nullptr, 16);
  }
  return 0;
}

// Whether malloc's heap (the main arena, below the break) is resident after the
// prewarming: 0 yes, 1 no, 2 when `arena` is not just that heap (other threads' arenas
// are counted too: the prewarming is for the agent's single thread).
int HeapResidentAfterPrewarm() {
  PrewarmHeapAndStack(kBootStackReserve);
  size_t arena = mallinfo2().arena;
  auto heap_end = reinterpret_cast<uintptr_t>(sbrk(0));
  if (arena < 4096 || heap_end - arena < HeapStart()) return 2;
  uintptr_t first = (heap_end - arena + 4095) & ~uintptr_t{4095};
  size_t pages = (heap_end - first) / 4096;
  return CountResident(Resident(reinterpret_cast<char*>(first), pages)) == pages ? 0 : 1;
}

// In a process of its own (the test binary run again for this test alone), with one
// thread and one arena, as the agent is.
TEST(Prewarm, TheHeapIsResident) {
  if (mallinfo2().arena == 0) GTEST_SKIP() << "a sanitizer's malloc has no heap below the break";
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(std::exit(HeapResidentAfterPrewarm()), ::testing::ExitedWithCode(0), "");
}

// On a thread of its own whose stack was never touched below its top: the pages below
// the prewarming's frame are not resident before and are after.
TEST(Prewarm, TheStackIsResidentAndTheProcessGoesOn) {
  constexpr size_t kStackBytes = 1 << 20;
  constexpr size_t kPages = kBootStackReserve / 4096 - 4;  // below the frames on top
  void* stack = mmap(nullptr, kStackBytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  ASSERT_NE(stack, MAP_FAILED);
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setstack(&attributes, stack, kStackBytes);
  struct Seen {
    size_t before = 0, after = 0;
  } seen;
  pthread_t thread;
  ASSERT_EQ(pthread_create(&thread, &attributes, [](void* out) -> void* {
    auto* result = static_cast<Seen*>(out);
    result->before = CountResident(StackBelow(kPages));
    PrewarmHeapAndStack(kBootStackReserve);
    result->after = CountResident(StackBelow(kPages));
    return nullptr;
  }, &seen), 0);
  ASSERT_EQ(pthread_join(thread, nullptr), 0);
  pthread_attr_destroy(&attributes);
  munmap(stack, kStackBytes);
  EXPECT_LT(seen.before, kPages / 2);
  EXPECT_EQ(seen.after, kPages);
  std::vector<int> still_works(1000, 7);  // the heap after the do-nothing task
  EXPECT_EQ(still_works[999], 7);
}

// The executable mapping (r-xp in /proc/self/maps) that holds `code`.
bool CodeMapping(const void* code, uintptr_t* start, uintptr_t* end) {
  std::ifstream maps("/proc/self/maps");
  uintptr_t address = reinterpret_cast<uintptr_t>(code);
  for (std::string line; std::getline(maps, line);) {
    unsigned long low = 0, high = 0;
    char perms[5] = {};
    if (std::sscanf(line.c_str(), "%lx-%lx %4s", &low, &high, perms) != 3) continue;
    if (std::string(perms) == "r-xp" && address >= low && address < high) {
      *start = low;
      *end = high;
      return true;
    }
  }
  return false;
}

// How many of the pages from `start` are present in this process's page tables.
size_t PresentPages(uintptr_t start, size_t pages) {
  int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
  EXPECT_GE(fd, 0);
  std::vector<uint64_t> entries(pages);
  ssize_t want = static_cast<ssize_t>(pages * sizeof(uint64_t));
  EXPECT_EQ(pread(fd, entries.data(), static_cast<size_t>(want),
                  static_cast<off_t>(start / 4096 * sizeof(uint64_t))), want);
  close(fd);
  size_t present = 0;
  for (uint64_t entry : entries) present += (entry >> 63) & 1;  // bit 63: present
  return present;
}

TEST(Prewarm, CodeUpToTheGivenEndIsMapped) {
  uintptr_t start = 0, end = 0;
  ASSERT_TRUE(CodeMapping(reinterpret_cast<const void*>(&PresentPages), &start, &end));
  // A test binary's code is megabytes, of which a test run touches a part: the range
  // ends at the last page not mapped yet, and holds at least one more such page.
  size_t mapping_pages = (end - start) / 4096;
  std::vector<size_t> unmapped;
  for (size_t page = 0; page < mapping_pages; ++page) {
    if (PresentPages(start + page * 4096, 1) == 0) unmapped.push_back(page);
  }
  if (unmapped.size() < 2) GTEST_SKIP() << "the test binary's code is all mapped already";
  size_t pages = unmapped.back();
  umla_populate_image(reinterpret_cast<const void*>(start + pages * 4096));
  EXPECT_EQ(PresentPages(start, pages), pages);
  // (Past the end is not checked: a kernel may map a whole large folio at once.)
}

}  // namespace
}  // namespace umla::agent
