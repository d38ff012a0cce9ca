#include "host-bridge/guest/mconsole.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "common/strings.h"

namespace umla::bridge {
namespace {

constexpr uint32_t kMagic = 0xcafebabe;
constexpr uint32_t kVersion = 2;
constexpr size_t kMaxData = 512;
constexpr size_t kHeader = 16;  // notify: magic, version, type, len
constexpr size_t kMaxMconsoleReply = 65536;  // "config", "help": a few hundred bytes

int64_t MonotonicMs() {
  struct timespec now;
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

uint32_t ReadU32(std::string_view bytes, size_t offset) {
  uint32_t value;
  std::memcpy(&value, bytes.data() + offset, sizeof value);
  return value;  // host byte order: the guest kernel runs on this very machine
}

void AppendU32(std::string* out, uint32_t value) {
  out->append(reinterpret_cast<const char*>(&value), sizeof value);
}

Status FillAddress(const std::string& path, sockaddr_un* address) {
  if (path.size() >= sizeof(address->sun_path)) {
    return Status::Error("socket path too long: " + path);
  }
  std::memset(address, 0, sizeof *address);
  address->sun_family = AF_UNIX;
  std::memcpy(address->sun_path, path.c_str(), path.size() + 1);
  return Status::Ok();
}

}  // namespace

std::optional<Notify> ParseNotify(std::string_view datagram) {
  if (datagram.size() < kHeader) return std::nullopt;
  if (ReadU32(datagram, 0) != kMagic || ReadU32(datagram, 4) != kVersion) return std::nullopt;
  uint32_t type = ReadU32(datagram, 8);
  uint32_t length = ReadU32(datagram, 12);
  if (type > 3 || length > kMaxData || length > datagram.size() - kHeader) return std::nullopt;
  std::string data(datagram.substr(kHeader, length));
  while (!data.empty() && data.back() == '\0') data.pop_back();
  return Notify{static_cast<NotifyType>(type), std::move(data)};
}

std::string EncodeMconsoleRequest(std::string_view command) {
  std::string out;
  AppendU32(&out, kMagic);
  AppendU32(&out, kVersion);
  std::string_view data = command.substr(0, kMaxData - 1);
  AppendU32(&out, static_cast<uint32_t>(data.size()));
  out.append(data);
  out.resize(12 + kMaxData, '\0');
  return out;
}

std::string MconsoleSocketForUmid(const std::string& umid,
                                  const std::optional<std::string>& uml_dir) {
  const char* home_env = std::getenv("HOME");
  std::string home = home_env && *home_env ? home_env : "/root";
  // The kernel ignores an empty uml_dir= and keeps its default.
  std::string dir = uml_dir && !uml_dir->empty() ? *uml_dir : "~/.uml";
  if (dir[0] == '~') {
    dir = home + dir.substr(1);
  } else if (dir[0] != '/') {
    std::error_code ec;
    std::filesystem::path cwd = std::filesystem::current_path(ec);
    if (!ec) dir = (cwd / dir).string();
  }
  if (dir.back() != '/') dir += '/';
  return dir + umid + "/mconsole";
}

MconsoleReach ReachOfSendError(int err) {
  // ENOENT/ENOTDIR: the kernel removed ~/.uml/UMID at exit, or has not made it yet;
  // ECONNREFUSED: the socket file is there but no process holds it (a killed kernel).
  bool nobody = err == ENOENT || err == ENOTDIR || err == ECONNREFUSED;
  return nobody ? MconsoleReach::kNobodyListening : MconsoleReach::kUnclear;
}

Result<std::string> MconsoleCommand(const std::string& socket_path, std::string_view command,
                                    int timeout_ms, MconsoleReach* reach) {
  MconsoleReach ignored;
  if (reach == nullptr) reach = &ignored;
  *reach = MconsoleReach::kUnclear;
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::FromErrno("mconsole socket", errno);
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  // Autobind to an abstract address so the kernel has somewhere to send the reply.
  sockaddr_un self;
  std::memset(&self, 0, sizeof self);
  self.sun_family = AF_UNIX;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&self), sizeof(sa_family_t)) != 0) {
    return Status::FromErrno("mconsole bind", errno);
  }
  sockaddr_un peer;
  Status filled = FillAddress(socket_path, &peer);
  if (!filled.ok()) return filled;
  // Connected: the kernel then delivers only the guest's datagrams to this socket,
  // not ones any other local process sends to its (guessable) abstract address.
  if (::connect(fd, reinterpret_cast<sockaddr*>(&peer), sizeof peer) != 0) {
    int err = errno;
    *reach = ReachOfSendError(err);
    return Status::FromErrno("mconsole " + socket_path, err);
  }
  std::string request = EncodeMconsoleRequest(command);
  // Never blocking: a stopped or hung kernel answers nothing, and each question left
  // unanswered stays in its socket's queue (a few, net.unix.max_dgram_qlen) until a
  // send would wait for ever. A full queue is EAGAIN: no answer, reach unclear.
  if (::send(fd, request.data(), request.size(), MSG_DONTWAIT) < 0) {
    int err = errno;
    *reach = ReachOfSendError(err);
    if (err == EAGAIN || err == EWOULDBLOCK) {
      return Status::Error("mconsole " + socket_path + ": its queue is full (the kernel is not answering)");
    }
    return Status::FromErrno("mconsole " + socket_path, err);
  }
  // One deadline for the whole exchange: a guest sending "more" parts for ever must
  // not keep the bridge here, nor make the reply grow without bound.
  const int64_t deadline_ms = MonotonicMs() + timeout_ms;
  std::string reply;
  while (true) {
    int64_t left_ms = deadline_ms - MonotonicMs();
    struct pollfd pfd = {fd, POLLIN, 0};
    // Past the deadline no further part is read, even one waiting already (empty
    // parts never grow the reply to its limit).
    int ready = left_ms > 0 ? ::poll(&pfd, 1, static_cast<int>(left_ms)) : 0;
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      return Status::Error("mconsole " + socket_path + ": no " +
                           (reply.empty() ? "reply" : "complete reply") + " within " +
                           std::to_string(timeout_ms) + " ms");
    }
    char buffer[12 + kMaxData];
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n >= 0) *reach = MconsoleReach::kAnswered;
    if (n < 12) return Status::Error("mconsole " + socket_path + ": short reply");
    std::string_view bytes(buffer, static_cast<size_t>(n));
    uint32_t err = ReadU32(bytes, 0);
    uint32_t more = ReadU32(bytes, 4);
    uint32_t length = ReadU32(bytes, 8);
    if (length > static_cast<size_t>(n) - 12) length = static_cast<uint32_t>(n - 12);
    std::string part(bytes.substr(12, length));
    while (!part.empty() && part.back() == '\0') part.pop_back();
    if (reply.size() + part.size() > kMaxMconsoleReply) {
      return Status::Error("mconsole " + socket_path + ": reply longer than " +
                           std::to_string(kMaxMconsoleReply) + " bytes");
    }
    reply += part;
    if (err != 0) return Status::Error("mconsole " + socket_path + ": " + SanitizeForTerminal(reply));
    if (!more) return reply;
  }
}

NotifySocket::~NotifySocket() {
  if (fd_ >= 0) ::close(fd_);
  if (!path_.empty()) ::unlink(path_.c_str());
}

Status NotifySocket::Bind(const std::string& path) {
  sockaddr_un address;
  Status filled = FillAddress(path, &address);
  if (!filled.ok()) return filled;
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd_ < 0) return Status::FromErrno("notify socket", errno);
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    return Status::FromErrno("bind notify socket " + path, errno);
  }
  path_ = path;
  return Status::Ok();
}

std::optional<Notify> NotifySocket::Receive() {
  char buffer[kHeader + kMaxData];
  ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
  if (n <= 0) return std::nullopt;
  return ParseNotify(std::string_view(buffer, static_cast<size_t>(n)));
}

}  // namespace umla::bridge
