// Wiring a forked child's fds before exec. The bridge may start with some of 0-2
// closed: a pipe or file it opens then gets one of those numbers, and a plain
// dup2(err_fd, 2) after dup2(out_fd, 1) would copy stdout when err_fd was 1.
#pragma once

namespace umla::bridge {

// `fd` itself when it is at or above `floor` (or negative), else a copy there
// (close-on-exec). Lift every source above the fds to be wired first, so that wiring
// one cannot overwrite another. Returns -1 when the copy fails.
int LiftFd(int fd, int floor);

// dup2(from, to), also when `from` already is `to`: dup2 then does nothing and the fd
// would keep its close-on-exec flag, i.e. be closed by the exec. Async-signal-safe.
bool WireFd(int from, int to);

}  // namespace umla::bridge
