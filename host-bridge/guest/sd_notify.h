// Telling systemd how a Type=notify unit is doing (sd_notify(3) without libsystemd):
// datagrams such as "READY=1" or "STATUS=..." sent to the AF_UNIX socket named in
// $NOTIFY_SOCKET, a path or an abstract name written with a leading '@'.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>

#include <string>
#include <string_view>

#include "common/status.h"

namespace umla::bridge {

struct NotifyAddress {
  sockaddr_un address{};
  socklen_t length = 0;
};

// The socket address for a $NOTIFY_SOCKET value; an error for an empty, relative or
// too long one. Pure.
Result<NotifyAddress> ParseNotifySocket(std::string_view value);

// One STATUS= line: newlines would start new fields, so they become spaces. Pure.
std::string StatusMessage(std::string_view text);

class SystemdNotifier {
 public:
  // Reads $NOTIFY_SOCKET; without it (or with an empty value) every Send is a no-op.
  SystemdNotifier();
  explicit SystemdNotifier(const std::string& socket_value);
  ~SystemdNotifier();
  SystemdNotifier(const SystemdNotifier&) = delete;
  SystemdNotifier& operator=(const SystemdNotifier&) = delete;

  bool enabled() const { return fd_ >= 0; }
  // Sends newline-separated fields ("READY=1\nMAINPID=42") as one datagram. Failing
  // to notify never stops a guest: the error is returned for a log line.
  Status Send(std::string_view fields);
  // Why notifying is off although $NOTIFY_SOCKET was set (empty when fine).
  const std::string& setup_error() const { return setup_error_; }

 private:
  int fd_ = -1;
  NotifyAddress address_;
  std::string setup_error_;
};

}  // namespace umla::bridge
