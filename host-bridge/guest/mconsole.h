// UML's management console: the notify datagrams a kernel sends to
// `mconsole=notify:PATH`, and requests to its control socket (~/.uml/UMID/mconsole).
// Layouts follow arch/um/include/shared/mconsole.h (magic 0xcafebabe, version 2).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace umla::bridge {

enum class NotifyType : uint32_t { kSocket = 0, kPanic = 1, kHang = 2, kUserNotify = 3 };

struct Notify {
  NotifyType type;
  std::string data;  // socket path for kSocket; bytes the guest wrote for kUserNotify
};

// Parses one notify datagram; nullopt for anything malformed (wrong magic, version,
// type or length). The sender is a guest: nothing here is trusted.
std::optional<Notify> ParseNotify(std::string_view datagram);

// Encodes a request datagram for a command such as "halt" or "config con7".
std::string EncodeMconsoleRequest(std::string_view command);

// How far a request got. A host that asks again and again tells a guest that has not
// started yet or has exited (nobody listening) from one that is running (it answered).
enum class MconsoleReach {
  kUnclear,          // no reply in time, or the request could not be sent for another reason
  kNobodyListening,  // no socket file, or no kernel bound to it (a kernel killed leaves it)
  kAnswered,         // the kernel replied, possibly with an error
};

// Pure: the reach a failed sendto(2) with errno `err` means.
MconsoleReach ReachOfSendError(int err);

// Sends `command` to the mconsole socket at `socket_path` and returns the reply text
// (all parts joined), waiting at most `timeout_ms` for the whole of it; only datagrams
// from that socket are read, and a reply over 64 KiB is an error. Fails naming the
// socket. When `reach` is given it says how far the request got, whatever the result.
Result<std::string> MconsoleCommand(const std::string& socket_path, std::string_view command,
                                    int timeout_ms, MconsoleReach* reach = nullptr);

// UML_DIR/UMID/mconsole, where the kernel puts it: `uml_dir` is the kernel's
// `uml_dir=` argument when one was given (a leading `~` is $HOME, a relative one is
// taken from the current directory, as the kernel started from it does), else ~/.uml.
std::string MconsoleSocketForUmid(const std::string& umid,
                                  const std::optional<std::string>& uml_dir = std::nullopt);

// A datagram socket bound at `path` to receive notifications.
class NotifySocket {
 public:
  NotifySocket() = default;
  ~NotifySocket();
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;
  Status Bind(const std::string& path);
  int fd() const { return fd_; }
  // Reads one pending datagram; nullopt when none or malformed.
  std::optional<Notify> Receive();

 private:
  int fd_ = -1;
  std::string path_;
};

}  // namespace umla::bridge
