#include "host-bridge/commands/wait.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "host-bridge/guest/channel.h"
#include "host-bridge/watch/exit_codes.h"

namespace umla::bridge {

int WaitForGuest(const WaitOptions& options) {
  Session session(options.watch);
  Result<ChannelSpec> spec = ParseChannelSpec(options.channel);
  if (!spec.ok()) {
    session.Say(spec.status().message());
    return kExitUsage;
  }
  int fd = -1;
  while (fd < 0) {
    bool pending = false;
    Result<int> opened = OpenChannel(*spec, options.watch.line, &pending);
    if (opened.ok() && *opened >= 0) {
      fd = *opened;
      break;
    }
    if (!opened.ok()) {
      // A umid whose mconsole is not there yet may just be booting: keep trying.
      bool retry = spec->kind == ChannelSpec::Kind::kUmid;
      if (!retry) {
        session.Say(opened.status().message());
        return kExitUsage;
      }
    } else if (!pending) {
      return kExitUsage;
    }
    if (session.RemainingMs() == 0) {
      session.Say("timeout: the guest's line never became available (" +
                  (opened.ok() ? std::string("not opened by the guest yet")
                               : opened.status().message()) + ")");
      return kExitTimeout;
    }
    usleep(100 * 1000);
  }

  bool closed = false;
  while (!session.watch().ready() && !session.watch().fatal()) {
    struct pollfd fds[2] = {{fd, POLLIN, 0}, {session.signal_fd(), POLLIN, 0}};
    int remaining = session.RemainingMs();
    if (remaining == 0) break;
    if (poll(fds, 2, remaining) < 0 && errno != EINTR) break;
    if (fds[1].revents) {
      session.Say("interrupted");
      close(fd);
      return kExitGuestGone;
    }
    if (fds[0].revents && !session.PumpChannel(fd)) {
      closed = true;
      break;
    }
  }
  close(fd);
  if (session.watch().ready() || session.watch().fatal()) return session.watch().ReadyExitCode();
  if (closed) {
    session.Say("channel closed before " + std::string(MissingStageName(session.watch().stage())));
    return kExitGuestGone;
  }
  session.Say("timeout after " + std::to_string(options.watch.timeout_s) + " s: no " +
              MissingStageName(session.watch().stage()) + " yet");
  return kExitTimeout;
}

}  // namespace umla::bridge
