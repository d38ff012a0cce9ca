// The agent's line must never stall a boot: with nobody reading, sending and closing
// together stay within the configured budget.
#include <fcntl.h>
#include <pty.h>
#include <unistd.h>

#include <thread>

#include <gtest/gtest.h>

#include "agent/system/console_line.h"

namespace umla::agent {
namespace {

// A pty for the line: `master` is the host's end; the line opens the tty `name`.
bool OpenPty(int* master, char (&name)[64]) {
  int slave = -1;
  if (openpty(master, &slave, name, nullptr, nullptr) != 0) return false;
  close(slave);
  return true;
}

TEST(ConsoleLine, NobodyReadingCostsAtMostTheBudget) {
  int master = -1;
  char name[64];
  ASSERT_TRUE(OpenPty(&master, name));
  ConsoleLine line(name, 300);
  ASSERT_TRUE(line.Open().ok());
  uint64_t start = MonotonicMicros();
  std::string frame(1000, 'x');
  frame += '\n';
  Status status;
  for (int i = 0; i < 1000 && status.ok(); ++i) status = line.Send(frame);
  line.Close();
  uint64_t elapsed_ms = (MonotonicMicros() - start) / 1000;
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find(name), std::string::npos) << status.message();
  EXPECT_LT(elapsed_ms, 300u + 700u);  // bounded, with slack for a loaded machine
  // Once the budget is spent, further events are dropped at once.
  uint64_t again = MonotonicMicros();
  EXPECT_FALSE(line.Send(frame).ok());
  EXPECT_LT((MonotonicMicros() - again) / 1000, 50u);
  close(master);
}

// The budget is for waiting on the line: a run whose steps took longer than it still
// waits for a host that reads late.
TEST(ConsoleLine, TheBudgetCountsOnlyTheWaits) {
  int master = -1;
  char name[64];
  ASSERT_TRUE(OpenPty(&master, name));
  ConsoleLine line(name, 1000);
  ASSERT_TRUE(line.Open().ok());
  usleep(1100 * 1000);  // the steps, longer than the budget
  std::thread reader([master] {
    usleep(50 * 1000);  // a host that starts reading late, well within the budget
    char buffer[4096];
    while (read(master, buffer, sizeof buffer) > 0) {
    }  // until the line is closed
  });
  // 1 MB: far more than a pty holds, so the writes wait for the reader.
  std::string frame(1000, 'x');
  frame += '\n';
  Status status;
  for (int i = 0; i < 1000 && status.ok(); ++i) status = line.Send(frame);
  EXPECT_TRUE(status.ok()) << status.message();
  // Only waiting counts: more steps outlasting the budget after a wait, and the next
  // writes still wait for the reader.
  usleep(1100 * 1000);
  for (int i = 0; i < 1000 && status.ok(); ++i) status = line.Send(frame);
  EXPECT_TRUE(status.ok()) << status.message();
  line.Close();
  reader.join();
  close(master);
}

TEST(ConsoleLine, RawModeMeansNoNewlineTranslation) {
  int master = -1, slave = -1;
  char name[64];
  ASSERT_EQ(openpty(&master, &slave, name, nullptr, nullptr), 0);
  ConsoleLine line(name, 1000);
  ASSERT_TRUE(line.Open().ok());
  ASSERT_TRUE(line.Send("abc\n").ok());
  line.Close();
  char buffer[16] = {};
  ssize_t n = read(master, buffer, sizeof buffer);
  EXPECT_EQ(std::string(buffer, n > 0 ? static_cast<size_t>(n) : 0), "abc\n");
  close(slave);
  close(master);
}

TEST(ConsoleLine, MissingDeviceIsAClearError) {
  ConsoleLine line("/nonexistent/tty7", 100);
  Status status = line.Open();
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("/nonexistent/tty7"), std::string::npos);
}

}  // namespace
}  // namespace umla::agent
