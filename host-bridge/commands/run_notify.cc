#include "host-bridge/commands/run_notify.h"

#include "common/strings.h"

namespace umla::bridge {

RunNotifier::RunNotifier(Session& session) : session_(session) {
  if (!notifier_.setup_error().empty()) session_.Say(notifier_.setup_error() + "; not notifying systemd");
  if (!notifier_.enabled()) return;
  session_.set_progress_observer([this](const std::string& line) {
    std::string_view status = line;
    if (StartsWith(status, "guest: ")) status.remove_prefix(7);  // the unit is the guest
    Send(StatusMessage(status));
  });
}

void RunNotifier::GuestReady(pid_t main_pid) {
  if (ready_sent_ || !session_.watch().ready()) return;
  ready_sent_ = true;
  Send("READY=1\nMAINPID=" + std::to_string(main_pid));
}

void RunNotifier::Stopping() { Send("STOPPING=1\n" + StatusMessage("stopping the guest")); }

void RunNotifier::Send(const std::string& fields) {
  Status sent = notifier_.Send(fields);
  if (sent.ok() || failed_) return;
  failed_ = true;  // before Say: Say comes back here through the observer
  session_.Say(sent.message());
}

}  // namespace umla::bridge
