// Test helper standing in for systemd: binds the datagram socket named like
// $NOTIFY_SOCKET (a path, or @name for an abstract one), appends every datagram it
// receives to OUT (after a line "AT=<ms since the epoch>", before a line "--"), and
// exits 0 one quiet second after a datagram containing UNTIL (default READY=1), or 1
// after SECONDS.
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <string>

#include "host-bridge/guest/sd_notify.h"

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::fprintf(stderr, "usage: notify_sink SOCKET OUT SECONDS [UNTIL]\n");
    return 2;
  }
  auto address = umla::bridge::ParseNotifySocket(argv[1]);
  if (!address.ok()) {
    std::fprintf(stderr, "notify_sink: %s\n", address.status().message().c_str());
    return 2;
  }
  int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&address->address), address->length) != 0) {
    std::perror("notify_sink: bind");
    return 2;
  }
  FILE* out = std::fopen(argv[2], "a");
  if (!out) return 2;
  std::fprintf(out, "LISTENING\n--\n");
  std::fflush(out);
  int left_ms = std::atoi(argv[3]) * 1000;
  std::string until = argc == 5 ? argv[4] : "READY=1";
  bool ready = false;
  while (left_ms > 0) {
    struct pollfd pfd = {fd, POLLIN, 0};
    int wait_ms = ready ? std::min(left_ms, 1000) : std::min(left_ms, 100);
    if (poll(&pfd, 1, wait_ms) <= 0) {
      left_ms -= wait_ms;
      if (ready) return 0;
      continue;
    }
    char buffer[4096];
    ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) continue;
    std::string message(buffer, static_cast<size_t>(n));
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    long long ms = static_cast<long long>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
    std::fprintf(out, "AT=%lld\n%s\n--\n", ms, message.c_str());
    std::fflush(out);
    if (message.find(until) != std::string::npos) ready = true;
  }
  return 1;
}
