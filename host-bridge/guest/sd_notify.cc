#include "host-bridge/guest/sd_notify.h"

#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace umla::bridge {

Result<NotifyAddress> ParseNotifySocket(std::string_view value) {
  NotifyAddress result;
  result.address.sun_family = AF_UNIX;
  if (value.empty() || (value[0] != '/' && value[0] != '@')) {
    return Status::Error("NOTIFY_SOCKET=\"" + std::string(value) +
                         "\": expected an absolute path or an @abstract name");
  }
  if (value.size() >= sizeof result.address.sun_path) {
    return Status::Error("NOTIFY_SOCKET=\"" + std::string(value) + "\": name too long");
  }
  std::memcpy(result.address.sun_path, value.data(), value.size());
  // An abstract name starts with a NUL byte and is exactly as long as given.
  if (value[0] == '@') result.address.sun_path[0] = '\0';
  size_t path_bytes = value.size() + (value[0] == '/' ? 1 : 0);
  result.length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path_bytes);
  return result;
}

std::string StatusMessage(std::string_view text) {
  std::string line = "STATUS=";
  for (char c : text) line += (c == '\n' || c == '\r') ? ' ' : c;
  return line;
}

namespace {
std::string NotifySocketFromEnvironment() {
  const char* value = std::getenv("NOTIFY_SOCKET");
  return value ? value : "";
}
}  // namespace

SystemdNotifier::SystemdNotifier() : SystemdNotifier(NotifySocketFromEnvironment()) {}

SystemdNotifier::SystemdNotifier(const std::string& socket_value) {
  if (socket_value.empty()) return;  // not started by systemd (or not Type=notify)
  Result<NotifyAddress> address = ParseNotifySocket(socket_value);
  if (!address.ok()) {
    setup_error_ = address.status().message();
    return;
  }
  address_ = *address;
  fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) setup_error_ = Status::FromErrno("notify socket", errno).message();
}

SystemdNotifier::~SystemdNotifier() {
  if (fd_ >= 0) close(fd_);
}

Status SystemdNotifier::Send(std::string_view fields) {
  if (fd_ < 0) return Status::Ok();
  ssize_t sent;
  do {
    sent = sendto(fd_, fields.data(), fields.size(), MSG_NOSIGNAL,
                  reinterpret_cast<const sockaddr*>(&address_.address), address_.length);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) return Status::FromErrno("notify systemd", errno);
  return Status::Ok();
}

}  // namespace umla::bridge
