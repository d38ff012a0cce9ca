// The bridge's own stdout/stderr lines against a reader that stops reading.
#include "host-bridge/commands/nonblocking_output.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

namespace umla::bridge {
namespace {

// A pipe whose write end sits on fd 1 of a writer, as the bridge's stdout does.
class BoundedWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(pipe2(fds_, O_CLOEXEC), 0);
    fcntl(fds_[1], F_SETPIPE_SZ, 4096);
  }
  void TearDown() override {
    close(fds_[0]);
    if (fds_[1] >= 0) close(fds_[1]);
  }
  std::string Drain() {
    fcntl(fds_[0], F_SETFL, O_NONBLOCK);
    std::string all;
    char buffer[4096];
    for (ssize_t n; (n = read(fds_[0], buffer, sizeof buffer)) > 0;) all.append(buffer, n);
    return all;
  }
  int fds_[2] = {-1, -1};
};

// Nobody reads: the first line that cannot go out is dropped after a short wait, the
// ones after it at once; none is cut, and once the reader is back lines go out again.
TEST_F(BoundedWriterTest, AReaderThatStoppedLosesWholeLinesAndNeverBlocksTheWriter) {
  BoundedWriter writer(fds_[1]);
  // Longer than the pipe holds: the first line goes out in part, the rest waits.
  const std::string line(5000, 'x');
  for (int i = 0; i < 100; ++i) writer.WriteLine(line);
  EXPECT_GT(writer.dropped(), 0u);
  std::string got = Drain();
  ASSERT_EQ(got.find('\n'), std::string::npos) << "the first line was to be cut by the pipe";
  writer.WriteLine("after");
  got += Drain();
  ASSERT_FALSE(got.empty());
  // Every line whole: the partly written one was finished before "after".
  size_t start = 0;
  for (size_t end; (end = got.find('\n', start)) != std::string::npos; start = end + 1) {
    std::string one = got.substr(start, end - start);
    EXPECT_TRUE(one == line || one == "after") << one.size();
  }
  EXPECT_EQ(start, got.size());  // ends with a newline
  EXPECT_NE(got.find("after\n"), std::string::npos);
}

TEST_F(BoundedWriterTest, AGoneReaderIsNoError) {
  close(fds_[0]);
  fds_[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
  signal(SIGPIPE, SIG_IGN);
  BoundedWriter writer(fds_[1]);
  writer.WriteLine("nobody");
  EXPECT_EQ(writer.dropped(), 1u);
}

}  // namespace
}  // namespace umla::bridge
