#include "host-bridge/commands/console_log_end.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

namespace umla::bridge {

off_t ConsoleLogStart(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) ? st.st_size : 0;
}

void FeedConsoleLogEnd(const std::string& path, off_t start, ConsoleTail& tail) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;
  // Non-blocking, and checked again once open: the name may have been replaced.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return;
  constexpr off_t kEnd = 64 << 10;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > start &&
      ::lseek(fd, std::max(start, st.st_size - kEnd), SEEK_SET) >= 0) {
    char buffer[8192];
    ssize_t n;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0) {
      tail.Feed(std::string_view(buffer, static_cast<size_t>(n)));
    }
    tail.Flush();
  }
  ::close(fd);
}

}  // namespace umla::bridge
