// Prewarming: what it maps is resident afterwards (mincore), exactly the whole pages
// asked for, and the process goes on normally after its do-nothing task.
#include "agent/system/prewarm.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
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

TEST(Prewarm, WritableMappingsAreResidentAndTheProcessGoesOn) {
  ASSERT_EQ(Resident(g_untouched, 16), std::vector<bool>(16, false));
  PrewarmAddressSpace(kBootHeapReserve, kBootStackReserve);
  EXPECT_EQ(Resident(g_untouched, 16), std::vector<bool>(16, true));
  std::vector<int> still_works(1000, 7);  // the heap after the do-nothing task
  EXPECT_EQ(still_works[999], 7);
}

}  // namespace
}  // namespace umla::agent
