#include "agent/commands/init.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <poll.h>
#include <sys/syscall.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <exception>
#include <functional>
#include <string>
#include <vector>

#include "agent/commands/boot.h"
#include "agent/core/init_choice.h"
#include "agent/core/ready_gates.h"
#include "agent/system/console_line.h"
#include "agent/system/early_mounts.h"
#include "agent/system/file_system.h"
#include "agent/system/kmsg_sink.h"
#include "agent/system/progress_board.h"
#include "common/log.h"

extern char** environ;

namespace umla::agent {
namespace {

inline constexpr const char* kWrapperPath = "/sbin/uml-agent";

// Waits up to `timeout_ms` for the child `pid` to exit. A pidfd wakes us the moment it
// does (polling would add up to a tick of the guest's 100 Hz clock to every boot);
// kernels without pidfd_open get a 5 ms poll. Returns false on timeout.
bool AwaitChild(pid_t pid, uint64_t timeout_ms, int* status) {
  uint64_t deadline = MonotonicMicros() + timeout_ms * 1000;
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  while (true) {
    pid_t done = waitpid(pid, status, WNOHANG);
    if (done == pid || (done < 0 && errno != EINTR)) break;
    uint64_t now = MonotonicMicros();
    if (now >= deadline) {
      if (pidfd >= 0) close(pidfd);
      return false;
    }
    if (pidfd >= 0) {
      struct pollfd exited = {pidfd, POLLIN, 0};
      int wait_ms = static_cast<int>(std::min<uint64_t>((deadline - now + 999) / 1000, 60000));
      ::poll(&exited, 1, wait_ms);
    } else {
      struct timespec pause = {0, 5 * 1000 * 1000};
      nanosleep(&pause, nullptr);
    }
  }
  if (pidfd >= 0) close(pidfd);
  return true;
}

// How a child run ended: `stopped` is "" when it exited by itself (with `status`),
// else what happened to it.
struct ChildEnd {
  std::string stopped;
  int status = 0;
};

// Runs `work` in a child process (its own process group) and waits at most `timeout_ms`.
ChildEnd RunInChild(const std::function<int()>& work, uint64_t timeout_ms) {
  pid_t pid = fork();
  if (pid < 0) return {std::string("fork: ") + std::strerror(errno), 1};
  if (pid == 0) {
    setpgid(0, 0);
    int status = 1;
    try {
      status = work();
    } catch (...) {
    }
    spdlog::default_logger()->flush();  // _exit runs no destructors: the kmsg sink gathers
    _exit(status);
  }
  setpgid(pid, pid);
  int status = 0;
  if (!AwaitChild(pid, timeout_ms, &status)) {
    kill(-pid, SIGKILL);
    waitpid(pid, &status, 0);
    return {"still running after " + std::to_string(timeout_ms) + " ms (killed)", 1};
  }
  if (WIFSIGNALED(status)) {
    return {"killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
                strsignal(WTERMSIG(status)) + ")",
            1};
  }
  return {"", WIFEXITED(status) ? WEXITSTATUS(status) : 1};
}

// Starts `work` in a new session that outlives the exec of the real init (which
// inherits it as a child and reaps it), for readiness gates that hold only later.
void RunDetached(const std::function<int()>& work) {
  RunInChild(
      [&work]() {
        pid_t pid = fork();
        if (pid == 0) {
          setsid();
          int status = 1;
          try {
            status = work();
          } catch (...) {
          }
          _exit(status);
        }
        return pid > 0 ? 0 : 1;
      },
      5000);
}

struct WrapperSettings {
  std::string init = kDefaultInit;
  uint64_t timeout_ms = 10000;
  bool ready_late = false;
  bool has_gates = false;
};

// What the wrapper itself needs; any bad value falls back to the default (the child's
// run reports the same problem as a failed step, so nothing is lost).
WrapperSettings ReadWrapperSettings(const BootOptions& options) {
  WrapperSettings wrapper;
  try {
    RealFileSystem files(options.root);
    std::vector<std::string> problems;
    Settings settings = LoadBootSettings(options, files, &problems);
    Result<std::string> init = settings.Path("init.exec", kDefaultInit);
    if (init.ok()) wrapper.init = *init;
    Result<uint64_t> timeout = settings.Unsigned("init.timeout_ms", 10000, 3600000);
    if (timeout.ok()) wrapper.timeout_ms = *timeout;
    Result<bool> late = settings.Bool("ready.late", false);
    if (late.ok()) wrapper.ready_late = *late;
    Result<GatePlan> gates = ParseGates(settings);
    wrapper.has_gates = gates.ok() && !gates->gates.empty();
  } catch (const std::exception& error) {
    spdlog::error("init: reading the settings: {}", error.what());
  }
  return wrapper;
}

[[noreturn]] void ExecRealInit(const std::string& configured, int argc, char** argv) {
  std::vector<std::string> tried;
  for (const std::string& path : InitCandidates(configured, kWrapperPath)) {
    std::vector<char*> args;
    args.push_back(const_cast<char*>(path.c_str()));
    for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
    args.push_back(nullptr);
    if (path != configured) spdlog::warn("init: falling back to {}", path);
    spdlog::info("init: exec {}", path);
    spdlog::default_logger()->flush();
    execve(path.c_str(), args.data(), environ);
    spdlog::error("init: exec {}: {}", path, std::strerror(errno));
    tried.push_back(path);
  }
  spdlog::critical("init: no working init found (tried {} programs)", tried.size());
  spdlog::default_logger()->flush();
  _exit(1);  // the kernel panics with "Attempted to kill init", as without the agent
}

// How far a guarded run got.
struct GuardedEnd {
  int status = 0;           // the run's exit status; 1 after a recovery
  bool ready_sent = false;  // the run itself reported ready
};

// Runs RunBoot(options) in a child under `timeout_ms`, the child publishing its progress
// on a shared board. When it crashes or hangs, a second, short-lived child records
// why (blaming the step it was in) from the last published state, so the report goes
// on with the same sequence.
GuardedEnd RunGuarded(BootOptions options, uint64_t timeout_ms) {
  std::unique_ptr<ProgressBoard> board = ProgressBoard::Create();
  options.progress = board.get();
  ChildEnd child = RunInChild([&options] { return RunBoot(options); }, timeout_ms);
  options.progress = nullptr;
  if (child.stopped.empty()) return {child.status, options.phase == BootPhase::kAll};
  spdlog::error("the fixups process {}", child.stopped);
  if (board) {
    Result<BootState> state = ParseProgressLog(board->Contents());
    if (state.ok() && state->ready_sent) return {1, true};  // it died after its report
    if (state.ok()) options.resume = *state;
  }
  options.phase = BootPhase::kRecover;
  options.recover_reason = child.stopped;
  RunInChild([&options] { return RunBoot(options); }, 10000);
  return {1, false};
}

}  // namespace

int RunBootGuarded(BootOptions options) {
  WrapperSettings guard = ReadWrapperSettings(options);
  BootPhase wanted = options.phase;
  // Without readiness gates the child reports ready itself (one process, one open of
  // the line); gates may wait long, so they run here, outside the fixups' time limit.
  if (wanted != BootPhase::kAll || guard.has_gates) options.phase = BootPhase::kFixups;
  GuardedEnd fixups = RunGuarded(options, guard.timeout_ms);
  if (wanted != BootPhase::kAll || fixups.ready_sent) return fixups.status;
  options.phase = BootPhase::kReady;
  int ready = RunBoot(options);
  return ready != 0 ? ready : fixups.status;
}

void RunInit(int argc, char** argv) {
  WrapperSettings wrapper;
  try {
    std::vector<std::string> mount_problems = MountEarlyFilesystems();
    umla::SetupLogging("uml-agent", "info");
    // The kernel log reaches the console already: stderr as well would print twice.
    if (auto kmsg = KmsgSink::Open()) {
      spdlog::default_logger()->sinks().clear();
      umla::AddLogSink(kmsg);
    }
    for (const auto& problem : mount_problems) spdlog::warn("init: {}", problem);

    BootOptions options;
    options.mode = "init";
    wrapper = ReadWrapperSettings(options);

    std::vector<std::string> root_problems;
    bool remounted = MakeRootWritable(&root_problems);
    // Ready from the fixups process itself unless it must wait for gates or for a
    // late init script.
    bool ready_now = !wrapper.ready_late && !wrapper.has_gates;
    options.phase = ready_now ? BootPhase::kAll : BootPhase::kFixups;
    GuardedEnd fixups = RunGuarded(options, wrapper.timeout_ms);
    // The state and report are under /run (tmpfs): the root can go back to read-only.
    if (remounted) RestoreRootReadOnly(&root_problems);
    for (const auto& problem : root_problems) spdlog::warn("init: {}", problem);
    if (!wrapper.ready_late && !fixups.ready_sent) {
      options.phase = BootPhase::kReady;
      if (wrapper.has_gates)
        RunDetached([options] { return RunBoot(options); });
      else
        RunInChild([&options] { return RunBoot(options); }, 10000);
    }
  } catch (...) {
    // Whatever went wrong above, the real init still runs.
  }
  ExecRealInit(wrapper.init, argc, argv);
}

}  // namespace umla::agent
