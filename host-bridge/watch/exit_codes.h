// Exit status shared by `run` and `wait` (documented in --help and README).
#pragma once

namespace umla::bridge {

enum ExitCode : int {
  kExitReady = 0,         // ready, every step ok
  kExitStepFailed = 1,    // ready but a step failed, or a fatal event (reserved)
  kExitUsage = 2,         // usage or configuration error, or a host failure
  kExitTimeout = 3,       // no ready event within --timeout
  kExitGuestGone = 4,     // the guest exited or the channel closed before ready
};

// Interrupted by signal `signo` (SIGINT, SIGTERM, SIGHUP) before ready: 128 + signo,
// as a shell reports a process a signal ended (130 for SIGINT, 143 for SIGTERM).
inline constexpr int ExitForSignal(int signo) { return 128 + signo; }

inline constexpr const char* kExitStatusHelp =
    "Exit status: 0 ready and every step ok; 1 ready but a step failed, or a fatal\n"
    "event (reserved); 2 usage or configuration error (or a host failure);\n"
    "3 timeout; 4 the guest exited or the channel closed before ready; 128+N\n"
    "interrupted by signal N before ready (130 SIGINT, 143 SIGTERM, 129 SIGHUP).\n";

}  // namespace umla::bridge
