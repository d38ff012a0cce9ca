// Exit status shared by `run` and `wait` (documented in --help and README).
#pragma once

namespace umla::bridge {

enum ExitCode : int {
  kExitReady = 0,         // ready, every step ok
  kExitStepFailed = 1,    // ready but a step failed, or the guest reported a fatal failure
  kExitUsage = 2,         // usage or configuration error, or a host failure
  kExitTimeout = 3,       // no ready event within --timeout
  kExitGuestGone = 4,     // the guest exited or the channel closed before ready
};

inline constexpr const char* kExitStatusHelp =
    "Exit status: 0 ready and every step ok; 1 ready but a step failed, or the guest\n"
    "reported a fatal failure; 2 usage or configuration error (or a host failure);\n"
    "3 timeout; 4 the guest exited or the channel closed before ready.\n";

}  // namespace umla::bridge
