// What a detached guest's console log contributes to the "gone before ready" message:
// only the lines this guest appended, and never a read that could block.
#include "host-bridge/commands/console_log_end.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>

#include "tests/unit/temp_dir.h"

namespace umla::bridge {
namespace {

class ConsoleLogEndTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(dir_.empty()); }
  void Append(const std::string& text) { std::ofstream(log_, std::ios::app) << text; }
  umla::testing::TempDir temp_{"console-log"};
  std::string dir_ = temp_.path();
  std::string log_ = dir_ + "/console.log";
};

TEST_F(ConsoleLogEndTest, QuotesOnlyWhatThisGuestAppended) {
  Append("a line an earlier guest wrote\n");
  off_t start = ConsoleLogStart(log_);
  EXPECT_EQ(start, 30);
  Append("this guest's first line\nand its last words");
  ConsoleTail tail;
  FeedConsoleLogEnd(log_, start, tail);
  EXPECT_EQ(tail.LastLines(), "  | this guest's first line\n  | and its last words\n");

  ConsoleTail whole;  // from 0: the earlier guest's line too
  FeedConsoleLogEnd(log_, 0, whole);
  EXPECT_NE(whole.LastLines().find("earlier guest"), std::string::npos);
}

TEST_F(ConsoleLogEndTest, NothingWhenTheGuestWroteNothingOrTheLogIsMissing) {
  Append("a line an earlier guest wrote\n");
  ConsoleTail tail;
  FeedConsoleLogEnd(log_, ConsoleLogStart(log_), tail);
  EXPECT_EQ(tail.LastLines(), "");
  EXPECT_EQ(ConsoleLogStart(dir_ + "/none"), 0);
  FeedConsoleLogEnd(dir_ + "/none", 0, tail);
  EXPECT_EQ(tail.LastLines(), "");
}

// A FIFO given as the log (a user's own reader) is never opened: that would block.
TEST_F(ConsoleLogEndTest, AFifoIsLeftAlone) {
  ASSERT_EQ(mkfifo(log_.c_str(), 0600), 0);
  EXPECT_EQ(ConsoleLogStart(log_), 0);
  ConsoleTail tail;
  FeedConsoleLogEnd(log_, 0, tail);  // returns at once
  EXPECT_EQ(tail.LastLines(), "");
}

}  // namespace
}  // namespace umla::bridge
