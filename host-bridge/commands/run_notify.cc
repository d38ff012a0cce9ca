#include "host-bridge/commands/run_notify.h"

namespace umla::bridge {

RunNotifier::RunNotifier(Session& session) : session_(session) {
  if (!notifier_.setup_error().empty()) session_.Say(notifier_.setup_error() + "; not notifying systemd");
  if (!notifier_.enabled()) return;
  session_.set_progress_observer([this](const std::string& line) { Send(StatusMessage(line)); });
}

void RunNotifier::GuestReady(pid_t main_pid) {
  if (ready_sent_ || !session_.watch().ready()) return;
  ready_sent_ = true;
  Send("READY=1\nMAINPID=" + std::to_string(main_pid));
}

void RunNotifier::Stopping() { Send("STOPPING=1\n" + StatusMessage("stopping the guest")); }

void RunNotifier::Send(const std::string& fields) {
  Status sent = notifier_.Send(fields);
  if (!sent.ok() && !failed_) session_.Say(sent.message());
  failed_ = failed_ || !sent.ok();
}

}  // namespace umla::bridge
