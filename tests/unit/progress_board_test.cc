#include "agent/system/progress_board.h"

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace umla::agent {
namespace {

TEST(ProgressBoard, EmptyUntilPublishedThenTheLatest) {
  auto board = ProgressBoard::Create(64);
  ASSERT_NE(board, nullptr);
  EXPECT_EQ(board->Latest(), "");
  EXPECT_TRUE(board->Publish("first"));
  EXPECT_EQ(board->Latest(), "first");
  EXPECT_TRUE(board->Publish("second, longer than the first"));
  EXPECT_EQ(board->Latest(), "second, longer than the first");
  EXPECT_TRUE(board->Publish("3"));
  EXPECT_EQ(board->Latest(), "3");
}

TEST(ProgressBoard, TooLargeKeepsThePreviousSnapshot) {
  auto board = ProgressBoard::Create(8);
  ASSERT_TRUE(board->Publish("fits"));
  EXPECT_FALSE(board->Publish("does not fit"));
  EXPECT_EQ(board->Latest(), "fits");
}

// The point of the board: what a child published survives the child's death.
TEST(ProgressBoard, AChildsSnapshotOutlivesTheChild) {
  auto board = ProgressBoard::Create();
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    board->Publish("{\"running_step\":\"fstab\"}");
    abort();
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(board->Latest(), "{\"running_step\":\"fstab\"}");
}

}  // namespace
}  // namespace umla::agent
