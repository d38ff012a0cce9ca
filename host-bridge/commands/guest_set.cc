#include "host-bridge/commands/guest_set.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>

#include "host-bridge/watch/exit_codes.h"

namespace umla::bridge {

GuestSet::GuestSet(Session& session) : session_(session) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event signal_event = {};
  signal_event.events = EPOLLIN;
  signal_event.data.u64 = UINT64_MAX;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, session_.signal_fd(), &signal_event);
}

GuestSet::~GuestSet() {
  for (auto& guest : guests_) {
    if (guest->fd >= 0) close(guest->fd);
  }
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

Status GuestSet::Add(const std::string& label, int fd) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  struct epoll_event event = {};
  event.events = EPOLLIN;
  event.data.u64 = guests_.size();
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) {
    int err = errno;
    close(fd);
    return Status::FromErrno("watching guest " + label, err);
  }
  guests_.push_back(std::make_unique<Guest>(label, fd, session_.OutputFor(label)));
  return Status::Ok();
}

void GuestSet::AddGone(const std::string& label) {
  guests_.push_back(std::make_unique<Guest>(label, -1, session_.OutputFor(label)));
  guests_.back()->closed = true;
}

bool GuestSet::gone(size_t index) const {
  const Guest& guest = *guests_[index];
  return guest.closed && !guest.watch.ready() && !guest.watch.fatal();
}

bool GuestSet::Done(const Guest& guest) const {
  return guest.closed || guest.watch.ready() || guest.watch.fatal();
}

void GuestSet::StopWatching(Guest& guest) {
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, guest.fd, nullptr);
  close(guest.fd);
  guest.fd = -1;
}

int GuestSet::Run() {
  size_t pending = 0;
  for (const auto& guest : guests_) pending += Done(*guest) ? 0 : 1;
  struct epoll_event events[64];
  while (pending > 0) {
    int remaining = session_.RemainingMs();
    if (remaining == 0) return 0;
    int count = epoll_wait(epoll_fd_, events, 64, remaining);
    if (count < 0 && errno != EINTR) {
      error_ = errno;
      return 0;
    }
    for (int i = 0; i < count; ++i) {
      if (events[i].data.u64 == UINT64_MAX) return session_.ReadSignal();
      Guest& guest = *guests_[events[i].data.u64];
      if (guest.fd < 0) continue;  // let go earlier in this same batch
      if (!session_.PumpChannel(guest.fd, guest.watch)) guest.closed = true;
      if (!Done(guest)) continue;
      // A done guest's line may stay readable (writes after ready, a pty's hangup):
      // left in the set, it would wake every epoll_wait at once until the others end.
      StopWatching(guest);
      --pending;
    }
  }
  return 0;
}

size_t GuestSet::ready_count() const {
  size_t count = 0;
  for (const auto& guest : guests_) count += guest->watch.ready() ? 1 : 0;
  return count;
}

int GuestSet::ExitCode() const {
  int worst = kExitReady;
  auto rank = [](int code) {
    switch (code) {
      case kExitGuestGone: return 3;
      case kExitTimeout: return 2;
      case kExitStepFailed: return 1;
      default: return 0;
    }
  };
  for (const auto& guest : guests_) {
    int code = guest->watch.ready() || guest->watch.fatal() ? guest->watch.ReadyExitCode()
               : guest->closed                              ? kExitGuestGone
                                                            : kExitTimeout;
    if (rank(code) > rank(worst)) worst = code;
  }
  return worst;
}

}  // namespace umla::bridge
