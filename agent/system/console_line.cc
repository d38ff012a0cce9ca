#include "agent/system/console_line.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "common/strings.h"

namespace umla::agent {

uint64_t ClockMicros(int clock_id) {
  struct timespec ts;
  clock_gettime(clock_id, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000u + static_cast<uint64_t>(ts.tv_nsec) / 1000u;
}

uint64_t MonotonicMicros() { return ClockMicros(CLOCK_MONOTONIC); }

uint64_t SystemClock::WallMicros() { return ClockMicros(CLOCK_REALTIME); }

ConsoleLine::ConsoleLine(std::string device, uint64_t budget_ms)
    : device_(std::move(device)), budget_ms_(budget_ms) {}

ConsoleLine::~ConsoleLine() { Close(); }

int64_t ConsoleLine::RemainingMs() const {
  uint64_t budget_us = budget_ms_ * 1000u;
  return waited_us_ >= budget_us ? 0 : static_cast<int64_t>((budget_us - waited_us_) / 1000u);
}

// Only the waits count against the budget (a write that does not block takes no time
// to speak of), so the clock is read around them alone: none on a line that keeps up.
template <typename Wait>
auto ConsoleLine::Waiting(Wait wait) {
  uint64_t start = MonotonicMicros();
  auto result = wait();
  waited_us_ += MonotonicMicros() - start;
  return result;
}

namespace {

// "/dev/ttyN" -> N, for creating a missing node in an image's static /dev.
int TtyIndex(const std::string& device) {
  if (!StartsWith(device, "/dev/tty")) return -1;
  auto index = ParseUnsigned(std::string_view(device).substr(8), 63);
  return index ? static_cast<int>(*index) : -1;
}

}  // namespace

Status ConsoleLine::Open() {
  fd_ = ::open(device_.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd_ < 0 && errno == ENOENT && TtyIndex(device_) >= 1) {
    if (::mknod(device_.c_str(), S_IFCHR | 0600, makedev(4, TtyIndex(device_))) != 0) {
      return Status::FromErrno("create missing channel node " + device_, errno);
    }
    fd_ = ::open(device_.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  }
  if (fd_ < 0) return Status::FromErrno("open channel " + device_, errno);
  // TCGETS/TCSETS directly: glibc's tcgetattr and tcsetattr add two more ioctls here
  // (~0.1 ms each inside UML). The kernel's termios is the leading part of glibc's on
  // every architecture UML runs on, and cfmakeraw changes only fields in that part.
  struct termios tio {};
  if (::ioctl(fd_, TCGETS, &tio) == 0) {
    ::cfmakeraw(&tio);
    if (::ioctl(fd_, TCSETS, &tio) != 0) {
      return Status::FromErrno("set raw mode on channel " + device_, errno);
    }
  }  // not a tty (a FIFO or file given with --channel): nothing to set
  return Status::Ok();
}

Status ConsoleLine::Send(std::string_view frame) {
  if (fd_ < 0) return Status::Error("channel " + device_ + " is not open");
  if (exhausted_) return Status::Error("channel " + device_ + ": time budget used up, event dropped");
  size_t done = 0;
  while (done < frame.size()) {
    ssize_t n = ::write(fd_, frame.data() + done, frame.size() - done);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN) return Status::FromErrno("write channel " + device_, errno);
    int64_t remaining = RemainingMs();
    struct pollfd pfd = {fd_, POLLOUT, 0};
    if (remaining <= 0 ||
        Waiting([&] { return ::poll(&pfd, 1, static_cast<int>(remaining)); }) <= 0) {
      exhausted_ = true;
      return Status::Error("channel " + device_ + ": nobody is reading; gave up after " +
                           std::to_string(budget_ms_) + " ms");
    }
  }
  return Status::Ok();
}

void ConsoleLine::Close() {
  if (fd_ < 0) return;
  // A tty's close waits for its output to drain (up to 30 s); wait here instead,
  // within the budget, then drop what is left so close() cannot block the boot.
  int queued = 0;
  while (::ioctl(fd_, TIOCOUTQ, &queued) == 0 && queued > 0 && RemainingMs() > 0) {
    Waiting([] { return ::usleep(1000); });
  }
  if (queued > 0) ::tcflush(fd_, TCOFLUSH);
  ::close(fd_);
  fd_ = -1;
}

}  // namespace umla::agent
