// `uml-bridge run` under systemd (Type=notify): every progress line (the bridge's and
// the guest's) becomes STATUS=..., and READY=1 goes out once the agent reports ready, so a unit is
// "started" exactly when its guest is. A no-op without $NOTIFY_SOCKET.
#pragma once

#include <sys/types.h>

#include <string>

#include "host-bridge/commands/session.h"
#include "host-bridge/guest/sd_notify.h"

namespace umla::bridge {

class RunNotifier {
 public:
  // Forwards `session`'s progress lines as STATUS= (the session must outlive this).
  // Lines said before it exists are not sent: construct it right after the session.
  explicit RunNotifier(Session& session);
  // Once the guest is ready: READY=1 and MAINPID=, the process systemd should watch
  // from now on (the bridge, or the kernel when the bridge detaches). Sent once.
  void GuestReady(pid_t main_pid);
  void Stopping();

 private:
  void Send(const std::string& fields);
  Session& session_;
  SystemdNotifier notifier_;
  bool ready_sent_ = false;
  bool failed_ = false;  // one log line about a broken socket, not one per message
};

}  // namespace umla::bridge
