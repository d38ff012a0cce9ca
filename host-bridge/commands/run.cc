#include "host-bridge/commands/run.h"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/strings.h"
#include "host-bridge/bake/bake_plan.h"
#include "host-bridge/bake/image_args.h"
#include "host-bridge/bake/root_tree.h"
#include "host-bridge/commands/console_log_end.h"
#include "host-bridge/commands/console_sink.h"
#include "host-bridge/commands/run_notify.h"
#include "host-bridge/guest/ext_image.h"
#include "host-bridge/guest/guest_process.h"
#include "host-bridge/guest/kernel_args.h"
#include "host-bridge/guest/mconsole.h"
#include "host-bridge/hostnet/mirror_render.h"
#include "host-bridge/watch/console_tail.h"
#include "host-bridge/watch/exit_codes.h"

namespace umla::bridge {
namespace {

// Per-run scratch directory for the notify socket; removed on exit.
class ScratchDir {
 public:
  ScratchDir() {
    const char* tmp = getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/uml-bridge.XXXXXX";
    if (mkdtemp(pattern.data())) path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string MakeUmid() {
  char suffix[9];
  std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(NowMicros() ^ getpid()));
  return "umla-" + std::to_string(getpid()) + "-" + suffix;
}

// UML removes UML_DIR/UMID (the socket's directory) when it halts cleanly; after a
// kill it stays behind. Only a umid the bridge made up is removed (never one the user
// chose).
void RemoveStaleUmidDir(const std::string& socket, bool ours) {
  if (!ours) return;
  std::error_code ignored;
  std::filesystem::remove_all(socket.substr(0, socket.rfind('/')), ignored);
}

// Writes `pid` to `path`; on failure removes what was written and says why.
std::string WritePidfile(const std::string& path, pid_t pid) {
  errno = 0;
  std::ofstream out(path);
  out << pid << "\n";
  if (out.flush()) return "";
  int error = errno;
  out.close();
  unlink(path.c_str());
  return error != 0 ? strerror(error) : "write failed";
}

// What a baked ubd0 image asks for (see bake/image_args.h); nothing for other images
// (a directory, another file system). What the image may not ask for is said and left
// out; the guest still starts.
std::vector<std::string> ImageKernelArgs(const std::vector<std::string>& kernel_args,
                                         const Session& session) {
  std::optional<std::string> image = RootImageOf(kernel_args);
  std::error_code ec;
  if (!image || !std::filesystem::is_regular_file(*image, ec) || !LooksLikeExtImage(*image)) {
    return {};
  }
  Result<std::optional<std::string>> text =
      ReadImageFileAtMost(*image, kKernelArgsPath, kMaxImageArgsBytes);
  if (!text.ok()) {
    session.Say(text.status().message() + "; none of its kernel arguments are used");
    return {};
  }
  if (!*text) return {};
  ImageArgs merged = MergeImageArgs(**text, kernel_args);
  for (const std::string& refused : merged.refused) session.Say(refused);
  return merged.added;
}

}  // namespace

int RunGuest(const RunOptions& options) {
  Session session(options.watch);
  RunNotifier systemd(session);
  ScratchDir scratch;
  if (scratch.path().empty()) {
    session.Fail("cannot create a scratch directory: " + std::string(strerror(errno)));
    return kExitUsage;
  }
  ConsoleSink console(options.detach ? "" : options.console_log);
  if (!console.ok()) {
    session.Fail("console log " + options.console_log + ": " + strerror(errno));
    return kExitUsage;
  }
  NotifySocket notify;
  std::string notify_path = scratch.path() + "/notify.sock";
  Status bound = notify.Bind(notify_path);
  if (!bound.ok()) session.Say(bound.message() + " (no \"kernel up\" stage)");

  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    session.Fail(std::string("socketpair: ") + strerror(errno));
    return kExitUsage;
  }
  Wiring wiring;
  wiring.agent_line = options.watch.line;
  std::string umid = FindKernelArg(options.kernel_args, "umid").value_or(MakeUmid());
  wiring.umid = umid;
  if (bound.ok()) wiring.notify_socket = notify_path;
  wiring.extra = options.extra_args;
  if (options.image_args) {
    for (const std::string& arg : ImageKernelArgs(options.kernel_args, session)) {
      session.Say("the image asks for kernel argument " + arg);
      wiring.extra.push_back(arg);
    }
  }

  LaunchSpec spec;
  spec.kernel = options.kernel;
  spec.args = BuildKernelArgs(options.kernel_args, wiring);
  if (CommandLineLength(spec.args) >= kUmlCommandLineSize) {
    session.Fail("the kernel command line would be " + std::to_string(CommandLineLength(spec.args)) +
                 " bytes; UML accepts at most " + std::to_string(kUmlCommandLineSize - 1));
    close(pair[0]);
    close(pair[1]);
    return kExitUsage;
  }
  spec.agent_fd = pair[1];
  spec.agent_fd_number = wiring.agent_fd;
  spec.console_to_pipe = !options.detach;
  spec.console_file = options.console_log;
  off_t console_log_start = options.detach ? ConsoleLogStart(options.console_log) : 0;
  Result<GuestProcess> started = GuestProcess::Start(spec);
  close(pair[1]);
  if (!started.ok()) {
    close(pair[0]);
    session.Fail(started.status().message());
    return kExitUsage;
  }
  GuestProcess& guest = *started;
  int channel = pair[0];
  fcntl(channel, F_SETFL, O_NONBLOCK);
  if (guest.console_fd() >= 0) fcntl(guest.console_fd(), F_SETFL, O_NONBLOCK);
  session.Say("started " + options.kernel + " as pid " + std::to_string(guest.pid()) +
              " (umid " + umid + ")");
  session.WarmEventPath();  // while the guest kernel boots

  ConsoleTail tail;
  std::string mconsole_socket =
      MconsoleSocketForUmid(umid, FindKernelArg(options.kernel_args, "uml_dir"));
  bool timed_out = false;
  int interrupted = 0;
  int poll_error = 0;  // the bridge cannot watch any more: stop the guest, exit 2
  std::string pidfile_error;  // --pidfile cannot be written: a script could not stop it
  while (true) {
    struct pollfd fds[6];
    int count = 0;
    auto add = [&](int fd, short events = POLLIN) {
      fds[count] = {fd, fd >= 0 ? events : short(0), 0};
      return count++;
    };
    int i_channel = add(channel);
    int i_console = add(guest.console_fd());
    int i_notify = add(notify.fd());
    int i_pid = add(guest.pidfd());
    int i_signal = add(session.signal_fd());
    int i_sink = add(console.waiting() ? console.fd() : -1, POLLOUT);
    bool waiting = !session.watch().ready() && !session.watch().fatal();
    int timeout = waiting ? session.RemainingMs() : -1;
    if (waiting && timeout == 0) {
      timed_out = true;
      break;
    }
    if (poll(fds, static_cast<nfds_t>(count), timeout) < 0 && errno != EINTR) {
      poll_error = errno;
      break;
    }

    if (fds[i_sink].revents) console.WritePending();
    if (fds[i_console].revents) {
      char buffer[8192];
      ssize_t n = read(guest.console_fd(), buffer, sizeof buffer);
      if (n > 0) console.Write(tail.Feed(std::string_view(buffer, static_cast<size_t>(n))));
      else if (n == 0 || errno != EAGAIN) guest.CloseConsole();
    }
    if (fds[i_notify].revents) {
      while (auto message = notify.Receive()) {
        if (message->type == NotifyType::kSocket) {
          // Only this guest's own socket: a notify must not point `halt` elsewhere.
          if (message->data != mconsole_socket) {
            session.Say("ignored the guest's mconsole socket " +
                        SanitizeForTerminal(message->data, 200) + ": not the one of umid " +
                        umid + " (" + mconsole_socket + "), where a halt goes");
          }
          session.watch().KernelUp("mconsole " + mconsole_socket);
        } else if (message->type == NotifyType::kPanic) {
          session.Say("guest kernel panic");
        }
      }
    }
    if (channel >= 0 && fds[i_channel].revents && !session.PumpChannel(channel)) {
      close(channel);
      channel = -1;
    }
    if (fds[i_signal].revents) {
      interrupted = session.ReadSignal();
      break;
    }
    bool done = session.watch().ready() || session.watch().fatal();
    if (done && options.detach && !options.pidfile.empty()) {
      pidfile_error = WritePidfile(options.pidfile, guest.pid());
      if (!pidfile_error.empty()) break;
    }
    if (done) systemd.GuestReady(options.detach ? guest.pid() : getpid());
    if (done && options.detach) {
      session.Say("detached; guest pid " + std::to_string(guest.pid()) + ", umid " + umid);
      guest.Release();
      if (channel >= 0) close(channel);
      return session.watch().ReadyExitCode();
    }
    if (fds[i_pid].revents && guest.Exited()) break;
  }

  // Why the bridge stops the guest itself, if it does.
  std::string stopping;
  if (interrupted) {
    stopping = std::string("interrupted by ") + strsignal(interrupted);
  } else if (poll_error) {
    stopping = std::string("poll: ") + strerror(poll_error);
  } else if (!pidfile_error.empty()) {
    stopping = "cannot write the pidfile " + options.pidfile + ": " + pidfile_error;
  } else if (timed_out) {
    stopping = "timeout after " + ShortNumber(options.watch.timeout_s) + " s: no " +
               MissingStageName(session.watch().stage()) + " yet";
  }
  if (!stopping.empty()) {
    session.Fail(stopping + "; stopping the guest");
    if (interrupted) systemd.Stopping();
    guest.Stop(mconsole_socket);
  }
  // Drain what the guest wrote before it went (non-blocking: the guest is gone).
  while (guest.console_fd() >= 0) {
    char buffer[8192];
    ssize_t n = read(guest.console_fd(), buffer, sizeof buffer);
    if (n <= 0) break;
    console.Write(tail.Feed(std::string_view(buffer, static_cast<size_t>(n))));
  }
  console.Write(tail.Flush());
  console.Finish(2000);  // a terminal that still does not read loses the rest
  if (channel >= 0) {
    session.PumpChannel(channel);
    close(channel);
  }
  RemoveStaleUmidDir(mconsole_socket, !FindKernelArg(options.kernel_args, "umid"));
  if (interrupted) {
    bool reported = session.watch().ready() || session.watch().fatal();
    return reported ? session.watch().ReadyExitCode() : ExitForSignal(interrupted);
  }
  if (poll_error || !pidfile_error.empty()) return kExitUsage;
  if (timed_out) return kExitTimeout;
  if (session.watch().ready() || session.watch().fatal()) {
    session.Say("guest " + guest.DescribeExit());
    return session.watch().ReadyExitCode();
  }
  guest.Exited();
  // A detached guest writes its console itself (no pipe through us): its log's end.
  if (options.detach && !options.console_log.empty()) FeedConsoleLogEnd(options.console_log, console_log_start, tail);
  session.Fail("guest " + guest.DescribeExit() + " before " +
               MissingStageName(session.watch().stage()) + "; its console ended with:\n" +
               tail.LastLines());
  return kExitGuestGone;
}

}  // namespace umla::bridge
