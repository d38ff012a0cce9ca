#include "agent/system/child_process.h"

#include <unistd.h>

#include <cstdlib>

#include <gtest/gtest.h>

namespace umla::agent {
namespace {

class RunInChildTest : public ::testing::TestWithParam<ChildMemory> {};

TEST_P(RunInChildTest, ExitStatusCrashAndHang) {
  ChildEnd ok = RunInChild([] { return 3; }, 5000, GetParam());
  EXPECT_EQ(ok.stopped, "");
  EXPECT_EQ(ok.status, 3);
  ChildEnd crash = RunInChild([]() -> int { abort(); }, 5000, GetParam());
  EXPECT_EQ(crash.stopped, "killed by signal 6 (Aborted)");
  EXPECT_EQ(crash.status, 1);
  ChildEnd hang = RunInChild([] { return sleep(30); }, 200, GetParam());
  EXPECT_EQ(hang.stopped, "still running after 200 ms (killed)");
}

TEST_P(RunInChildTest, OnlyASharedChildWritesTheCallersMemory) {
  int seen = 0;
  ChildEnd end = RunInChild([&seen] { return seen = 42, 0; }, 5000, GetParam());
  ASSERT_EQ(end.stopped, "");
  EXPECT_EQ(seen, GetParam() == ChildMemory::kShared ? 42 : 0);
}

// The child's whole process group goes on a timeout: a command it started too.
TEST_P(RunInChildTest, AHungChildsOwnChildrenAreKilledWithIt) {
  int ends[2];
  ASSERT_EQ(pipe(ends), 0);
  ChildEnd hang = RunInChild(
      [&ends] {
        if (fork() == 0) {  // holds the write end until it dies
          close(ends[0]);
          sleep(30);
          _exit(0);
        }
        close(ends[1]);
        return sleep(30);
      },
      300, GetParam());
  close(ends[1]);
  EXPECT_EQ(hang.stopped, "still running after 300 ms (killed)");
  char byte;
  alarm(10);  // a grandchild still alive would block this read
  EXPECT_EQ(read(ends[0], &byte, 1), 0);  // EOF: every writer is gone
  alarm(0);
  close(ends[0]);
}

INSTANTIATE_TEST_SUITE_P(Memory, RunInChildTest,
                         ::testing::Values(ChildMemory::kCopy, ChildMemory::kShared));

}  // namespace
}  // namespace umla::agent
