#include "agent/system/progress_board.h"

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace umla::agent {
namespace {

TEST(ProgressBoard, EmptyUntilAppendedThenEveryRecordInOrder) {
  auto board = ProgressBoard::Create(64);
  ASSERT_NE(board, nullptr);
  EXPECT_EQ(board->Contents(), "");
  EXPECT_TRUE(board->Append("run devnodes\n"));
  EXPECT_TRUE(board->Append("run fstab\n"));
  EXPECT_EQ(board->Contents(), "run devnodes\nrun fstab\n");
}

TEST(ProgressBoard, AFullLogKeepsWhatItHas) {
  auto board = ProgressBoard::Create(8);
  ASSERT_TRUE(board->Append("fits\n"));
  EXPECT_FALSE(board->Append("does not fit\n"));
  EXPECT_EQ(board->Contents(), "fits\n");
}

// The point of the board: what a child appended survives the child's death.
TEST(ProgressBoard, AChildsRecordsOutliveTheChild) {
  auto board = ProgressBoard::Create();
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    board->Append("run fstab\n");
    abort();
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(board->Contents(), "run fstab\n");
}

}  // namespace
}  // namespace umla::agent
