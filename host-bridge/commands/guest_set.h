// Many guests watched by one process (`uml-bridge wait --channel A --channel B ...`,
// and the scale benchmark): one epoll set over every agent line, one GuestWatch each.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "host-bridge/commands/session.h"

namespace umla::bridge {

class GuestSet {
 public:
  explicit GuestSet(Session& session);
  ~GuestSet();
  GuestSet(const GuestSet&) = delete;
  GuestSet& operator=(const GuestSet&) = delete;

  // Watches `fd` (made non-blocking; owned from now on) as guest `label`.
  Status Add(const std::string& label, int fd);
  // Counts guest `label` as gone before ready without any channel (a guest named by
  // umid that exited before its line could be opened).
  void AddGone(const std::string& label);
  // Reads until every guest is ready, fatal or closed, the deadline passes or a
  // signal arrives; a guest's fd is closed as soon as it is done. Returns the signal
  // (SIGINT, SIGTERM, SIGHUP) that stopped it, 0 otherwise (see error()).
  int Run();
  // The errno that stopped Run() early when waiting itself failed; 0 when it did not.
  int error() const { return error_; }
  size_t size() const { return guests_.size(); }
  size_t ready_count() const;
  // The worst outcome over all guests: 4 (a channel closed before ready) over
  // 3 (timeout) over 1 (a step failed) over 0.
  int ExitCode() const;
  const GuestWatch& watch(size_t index) const { return guests_[index]->watch; }
  // Whether guest `index` (in the order added) went before it was ready or fatal: its
  // channel closed, or it was added gone.
  bool gone(size_t index) const;

 private:
  struct Guest {
    Guest(std::string name, int descriptor, WatchOutput output)
        : label(std::move(name)), fd(descriptor), watch(std::move(output)) {}
    std::string label;
    int fd;               // -1 once done: no longer watched
    bool closed = false;  // its channel closed (or it was added gone)
    GuestWatch watch;
  };
  bool Done(const Guest& guest) const;
  void StopWatching(Guest& guest);  // out of the epoll set, its fd closed

  Session& session_;
  int epoll_fd_ = -1;
  int error_ = 0;
  std::vector<std::unique_ptr<Guest>> guests_;
};

}  // namespace umla::bridge
