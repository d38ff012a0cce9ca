// What a program the bridge starts must not inherit: the bridge blocks SIGINT,
// SIGTERM and SIGHUP (for its signalfd, session.h) and ignores SIGPIPE, and both the
// mask and ignored dispositions survive execve(2). A UML kernel started that way
// would ignore `kill`, `systemctl stop` and the bridge's own SIGTERM.
#pragma once

namespace umla::bridge {

// Call in a forked child just before exec: unblocks every signal and puts every
// ignored one back to its default. Async-signal-safe (sigprocmask, sigaction).
void RestoreSignalsForExec();

}  // namespace umla::bridge
