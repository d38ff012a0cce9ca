#include "host-bridge/commands/session.h"

#include <signal.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "protocol/frame.h"

namespace umla::bridge {

uint64_t NowMicros() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000u + static_cast<uint64_t>(ts.tv_nsec) / 1000u;
}

namespace {

uint64_t WallMicros() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000u + static_cast<uint64_t>(ts.tv_nsec) / 1000u;
}

// One --json line. ensure_ascii: guest strings cannot carry escape sequences to a
// terminal.
std::string RenderEventLine(const nlohmann::json& event) {
  return event.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
}

}  // namespace

WatchOutput Session::OutputFor(const std::string& label) {
  std::string prefix = label.empty() ? "guest: " : "guest " + label + ": ";
  return WatchOutput{
      [this, prefix](const std::string& line) { Say(prefix + line); },
      [this, label](const nlohmann::json& event) {
        if (tap_) tap_(event);
        if (!options_.json) return;
        nlohmann::json out = event;
        if (!label.empty()) out["guest"] = label;
        stdout_.WriteLine(RenderEventLine(out));
      },
      WallMicros};
}

Session::Session(const WatchOptions& options)
    : options_(options),
      watch_(OutputFor("")),
      deadline_us_(NowMicros() + static_cast<uint64_t>(options.timeout_s * 1e6)) {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGHUP);
  sigprocmask(SIG_BLOCK, &mask, nullptr);
  signal_fd_ = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  signal(SIGPIPE, SIG_IGN);
}

Session::~Session() {
  if (signal_fd_ >= 0) close(signal_fd_);
  size_t dropped = stderr_.dropped() + stdout_.dropped();
  if (dropped > 0) {
    stderr_.WriteLine("uml-bridge: " + std::to_string(dropped) +
                          " lines of its own output dropped: stdout or stderr was not read",
                      true);
  }
}

void Session::WarmEventPath() {
  GuestWatch scratch(WatchOutput{[](const std::string&) {},
                                 [](const nlohmann::json& event) { (void)RenderEventLine(event); },
                                 WallMicros});
  for (const protocol::Event& event : protocol::WarmUpEvents(WallMicros())) {
    scratch.Feed(protocol::EncodeFrame(protocol::EncodeEvent(event)));
  }
}

bool Session::PumpChannel(int fd) { return PumpChannel(fd, watch_); }

bool Session::PumpChannel(int fd, GuestWatch& watch) {
  char buffer[16384];
  // Bounded per call so that one guest flooding its line cannot starve the others;
  // the caller polls again (level-triggered) for the rest.
  for (int reads = 0; reads < 16; ++reads) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n > 0) {
      watch.Feed(std::string_view(buffer, static_cast<size_t>(n)));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return true;
    watch.ChannelClosed();  // EOF, or EIO on a pts whose other end went away
    return false;
  }
  return true;
}

int Session::ReadSignal() const {
  struct signalfd_siginfo info;
  ssize_t n;
  while ((n = read(signal_fd_, &info, sizeof info)) < 0 && errno == EINTR) {
  }
  // Readable means a signal came; should its details be unreadable, it was a stop.
  return n == static_cast<ssize_t>(sizeof info) ? static_cast<int>(info.ssi_signo) : SIGTERM;
}

Status CheckWatchOptions(const WatchOptions& options) {
  // Written so that NaN fails too (every comparison with it is false).
  if (!(options.timeout_s > 0 && options.timeout_s <= 86400)) {
    return Status::Error("--timeout must be more than 0 and at most 86400 seconds");
  }
  if (options.line < 1 || options.line > 63) {
    return Status::Error("--line must be between 1 and 63");
  }
  return Status::Ok();
}

int Session::RemainingMs() const {
  uint64_t now = NowMicros();
  if (now >= deadline_us_) return 0;
  return static_cast<int>((deadline_us_ - now + 999) / 1000);
}

void Session::Say(const std::string& line) const {
  if (progress_observer_) progress_observer_(line);
  if (options_.quiet) return;
  stderr_.WriteLine("uml-bridge: " + line);
}

void Session::Fail(const std::string& line) const {
  if (progress_observer_) progress_observer_(line);
  stderr_.WriteLine("uml-bridge: " + line, true);
}

}  // namespace umla::bridge
