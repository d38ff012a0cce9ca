#include "host-bridge/commands/wait.h"

#include <unistd.h>

#include "host-bridge/commands/guest_set.h"
#include "host-bridge/guest/channel.h"
#include "host-bridge/watch/exit_codes.h"

namespace umla::bridge {
namespace {

// Opens every channel; a guest found by umid may not be up yet, so those are retried
// until the deadline. Returns an exit code, or -1 when every channel is open.
int OpenAll(Session& session, const std::vector<ChannelSpec>& specs, GuestSet& guests) {
  std::vector<bool> opened(specs.size(), false);
  size_t missing = specs.size();
  std::string last_problem;
  while (true) {
    for (size_t i = 0; i < specs.size(); ++i) {
      if (opened[i]) continue;
      bool pending = false;
      Result<int> fd = OpenChannel(specs[i], session.options().line, &pending);
      if (fd.ok() && *fd >= 0) {
        std::string label = specs.size() == 1 ? "" : specs[i].value;
        Status added = guests.Add(label, *fd);
        if (!added.ok()) {
          session.Say(added.message());
          return kExitUsage;
        }
        opened[i] = true;
        --missing;
        continue;
      }
      // Only a guest named by umid may still be on its way; anything else is final.
      if (!fd.ok() && specs[i].kind != ChannelSpec::Kind::kUmid) {
        session.Say(fd.status().message());
        return kExitUsage;
      }
      last_problem = fd.ok() ? "not opened by the guest yet" : fd.status().message();
    }
    if (missing == 0) return -1;
    if (session.RemainingMs() == 0) {
      session.Say("timeout: a guest's line never became available (" + last_problem + ")");
      return kExitTimeout;
    }
    usleep(100 * 1000);
  }
}

}  // namespace

int WaitForGuest(const WaitOptions& options) {
  Session session(options.watch);
  std::vector<ChannelSpec> specs;
  for (const std::string& text : options.channels) {
    Result<ChannelSpec> spec = ParseChannelSpec(text);
    if (!spec.ok()) {
      session.Say(spec.status().message());
      return kExitUsage;
    }
    specs.push_back(*spec);
  }
  GuestSet guests(session);
  int early = OpenAll(session, specs, guests);
  if (early >= 0) return early;
  if (!guests.Run()) {
    session.Say("interrupted");
    return kExitGuestGone;
  }
  int code = guests.ExitCode();
  if (code == kExitGuestGone) {
    session.Say("a channel closed before its guest was ready");
  } else if (code == kExitTimeout) {
    session.Say("timeout after " + std::to_string(options.watch.timeout_s) + " s: " +
                std::to_string(guests.size() - guests.ready_count()) + " of " +
                std::to_string(guests.size()) + " guests not ready");
  }
  return code;
}

}  // namespace umla::bridge
