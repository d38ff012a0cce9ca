#include "host-bridge/guest/exec_signals.h"

#include <signal.h>

namespace umla::bridge {

void RestoreSignalsForExec() {
  for (int signo = 1; signo < NSIG; ++signo) {
    struct sigaction action;
    if (sigaction(signo, nullptr, &action) != 0 || action.sa_handler != SIG_IGN) continue;
    action.sa_handler = SIG_DFL;
    sigaction(signo, &action, nullptr);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
}

}  // namespace umla::bridge
