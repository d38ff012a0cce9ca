#include "host-bridge/commands/wait.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "common/strings.h"
#include "host-bridge/commands/guest_set.h"
#include "host-bridge/guest/channel.h"
#include "host-bridge/watch/exit_codes.h"

namespace umla::bridge {
namespace {

// The longest one mconsole question may take (a running kernel answers in
// microseconds; a busy one may take a while).
constexpr int kMconsoleAskMs = 1000;

// One guest in the set, in the order it was added.
struct Watched {
  std::string name;        // the channel spec, e.g. "umid:web1"
  bool announced = false;  // its going was already said (gone before its line opened)
};

// Opens every channel; a guest found by umid may not be up yet, so those are retried
// until the deadline, unless the guest is seen gone (its mconsole answered, then
// stopped), or a signal. Returns an exit code, or -1 when every channel is open or its
// guest gone.
int OpenAll(Session& session, const std::vector<ChannelSpec>& specs, GuestSet& guests,
            std::vector<Watched>* watched) {
  std::vector<bool> settled(specs.size(), false);
  std::vector<UmidLiveness> liveness(specs.size());
  size_t missing = specs.size();
  bool any_gone = false;
  std::string last_problem;
  while (true) {
    for (size_t i = 0; i < specs.size(); ++i) {
      if (settled[i]) continue;
      std::string label = specs.size() == 1 ? "" : specs[i].value;
      std::string name = ChannelSpecText(specs[i]);
      // Asking mconsole waits for its answer: never past the deadline, so that a
      // few silent guests cannot make the wait overrun it by a second each.
      int ask_ms = std::min(kMconsoleAskMs, session.RemainingMs());
      if (specs[i].kind == ChannelSpec::Kind::kUmid && ask_ms == 0) {
        if (last_problem.empty()) last_problem = name + ": not asked before the deadline";
        continue;
      }
      OpenAttempt attempt;
      Result<int> fd = OpenChannel(specs[i], session.options().line, &attempt, ask_ms);
      if (fd.ok() && *fd >= 0) {
        Status added = guests.Add(label, *fd);
        if (!added.ok()) {
          session.Fail(added.message());
          return kExitUsage;
        }
        watched->push_back({name, false});
        settled[i] = true;
        --missing;
        continue;
      }
      // Only a guest named by umid may still be on its way; anything else is final.
      if (!fd.ok() && specs[i].kind != ChannelSpec::Kind::kUmid) {
        session.Fail(fd.status().message());
        return kExitUsage;
      }
      std::string problem = fd.ok() ? "not opened by the guest yet" : fd.status().message();
      if (liveness[i].Gone(attempt.mconsole)) {
        session.Fail(name + ": the guest is gone before ready (its mconsole answered earlier, "
                     "now: " + problem + ")");
        guests.AddGone(label);
        watched->push_back({name, true});
        settled[i] = true;
        --missing;
        any_gone = true;
        continue;
      }
      last_problem = problem;
    }
    if (missing == 0) return -1;
    if (session.RemainingMs() == 0) {
      session.Fail("timeout: a guest's line never became available (" + last_problem + ")");
      return any_gone ? kExitGuestGone : kExitTimeout;  // several guests: the worst
    }
    // Between attempts, a signal ends the wait (it is blocked for the signalfd).
    struct pollfd signal_poll = {session.signal_fd(), POLLIN, 0};
    if (poll(&signal_poll, 1, std::min(100, session.RemainingMs())) > 0) {
      int signo = session.ReadSignal();
      session.Fail(std::string("interrupted by ") + strsignal(signo));
      return ExitForSignal(signo);
    }
  }
}

}  // namespace

int WaitForGuest(const WaitOptions& options) {
  Session session(options.watch);
  std::vector<ChannelSpec> specs;
  for (const std::string& text : options.channels) {
    Result<ChannelSpec> spec = ParseChannelSpec(text);
    if (!spec.ok()) {
      session.Fail(spec.status().message());
      return kExitUsage;
    }
    specs.push_back(*spec);
  }
  session.WarmEventPath();
  GuestSet guests(session);
  std::vector<Watched> watched;
  int early = OpenAll(session, specs, guests, &watched);
  if (early >= 0) return early;
  if (int signo = guests.Run()) {
    session.Fail(std::string("interrupted by ") + strsignal(signo));
    return ExitForSignal(signo);
  }
  if (guests.error() != 0) {
    session.Fail(std::string("epoll_wait: ") + strerror(guests.error()));
    return kExitUsage;
  }
  int code = guests.ExitCode();
  if (code == kExitGuestGone) {
    for (size_t i = 0; i < guests.size(); ++i) {
      if (!guests.gone(i) || watched[i].announced) continue;
      session.Fail(watched[i].name + ": the channel closed before its guest was ready");
    }
  } else if (code == kExitTimeout) {
    // Each guest not ready by the stage it never reached (README: exit 3).
    std::string missing;
    for (size_t i = 0; i < guests.size(); ++i) {
      const GuestWatch& watch = guests.watch(i);
      if (watch.ready() || watch.fatal() || guests.gone(i)) continue;
      missing += std::string(missing.empty() ? "" : ", ") + watched[i].name + ": no " +
                 MissingStageName(watch.stage());
    }
    session.Fail("timeout after " + ShortNumber(options.watch.timeout_s) + " s: " +
                 std::to_string(guests.size() - guests.ready_count()) + " of " +
                 std::to_string(guests.size()) + " guests not ready (" + missing + ")");
  }
  return code;
}

}  // namespace umla::bridge
