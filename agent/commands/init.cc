#include "agent/commands/init.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstring>
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
#include "common/log.h"

extern char** environ;

namespace umla::agent {
namespace {

inline constexpr const char* kWrapperPath = "/sbin/uml-agent";

// Runs `work` in a child process (its own process group) and waits at most
// `timeout_ms`. Returns "" when it exited by itself, else what happened to it.
std::string RunInChild(const std::function<int()>& work, uint64_t timeout_ms) {
  pid_t pid = fork();
  if (pid < 0) return std::string("fork: ") + std::strerror(errno);
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
  uint64_t deadline = MonotonicMicros() + timeout_ms * 1000;
  while (true) {
    int status = 0;
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      if (WIFSIGNALED(status)) {
        return "killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
               strsignal(WTERMSIG(status)) + ")";
      }
      return "";
    }
    if (done < 0 && errno != EINTR) return std::string("waitpid: ") + std::strerror(errno);
    if (MonotonicMicros() >= deadline) {
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      return "still running after " + std::to_string(timeout_ms) + " ms (killed)";
    }
    struct timespec pause = {0, 5 * 1000 * 1000};
    nanosleep(&pause, nullptr);
  }
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

}  // namespace

int RunBootGuarded(BootOptions options) {
  WrapperSettings guard = ReadWrapperSettings(options);
  BootPhase wanted = options.phase;
  options.phase = BootPhase::kFixups;
  int status = 0;
  std::string stopped = RunInChild([&options] { return RunBoot(options); }, guard.timeout_ms);
  if (!stopped.empty()) {
    spdlog::error("boot: the fixups process {}", stopped);
    options.phase = BootPhase::kRecover;
    options.recover_reason = stopped;
    RunInChild([&options] { return RunBoot(options); }, 10000);
    status = 1;
  }
  if (wanted != BootPhase::kAll) return status;
  options.phase = BootPhase::kReady;
  int ready = RunBoot(options);
  return ready != 0 ? ready : status;
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
    options.phase = BootPhase::kFixups;
    std::string stopped = RunInChild([&options] { return RunBoot(options); }, wrapper.timeout_ms);
    if (!stopped.empty()) {
      spdlog::error("init: the fixups process {}", stopped);
      options.phase = BootPhase::kRecover;
      options.recover_reason = stopped;
      RunInChild([&options] { return RunBoot(options); }, 10000);
    }
    // The state and report are under /run (tmpfs): the root can go back to read-only.
    if (remounted) RestoreRootReadOnly(&root_problems);
    for (const auto& problem : root_problems) spdlog::warn("init: {}", problem);
    if (!wrapper.ready_late) {
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
