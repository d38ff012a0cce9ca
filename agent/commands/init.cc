#include "agent/commands/init.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agent/commands/boot.h"
#include "agent/core/init_choice.h"
#include "agent/core/ready_gates.h"
#include "agent/system/child_process.h"
#include "agent/system/console_line.h"
#include "agent/system/early_mounts.h"
#include "agent/system/file_system.h"
#include "agent/system/kmsg_sink.h"
#include "agent/system/progress_board.h"
#include "agent/system/self_exe.h"
#include "common/log.h"

extern char** environ;

namespace umla::agent {
namespace {

inline constexpr const char* kWrapperPath = "/sbin/uml-agent";
// The limit of a run that does no step of its own (a recovery, ready without gates),
// besides the time it may wait on the line (channel.timeout_ms).
inline constexpr uint64_t kShortRunMs = 10000;

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

struct WrapperSettings : WrapperKeys {
  LoadedSettings loaded;  // all of them, for the guarded run
  bool has_gates = false;
};

// What the wrapper itself needs; any bad value falls back to the default (the child's
// run reports the same problem as a failed `config` step, so nothing is lost).
WrapperSettings ReadWrapperSettings(const BootOptions& options) {
  WrapperSettings wrapper;
  try {
    RealFileSystem files(options.root);
    wrapper.loaded = LoadBootSettings(options, files);
    const Settings& settings = wrapper.loaded.settings;
    std::vector<std::string> reported_by_the_run;
    static_cast<WrapperKeys&>(wrapper) = ParseWrapperKeys(settings, &reported_by_the_run);
    Result<GatePlan> gates = ParseGates(settings);
    wrapper.has_gates = gates.ok() && !gates->gates.empty();
  } catch (const std::exception& error) {
    spdlog::error("init: reading the settings: {}", error.what());
  }
  return wrapper;
}

[[noreturn]] void ExecRealInit(const std::string& configured, int argc, char** argv) {
  std::vector<std::string> tried;
  auto is_wrapper = [](const std::string& path) {
    return path == kWrapperPath || IsThisProgram(path);
  };
  for (const std::string& path : InitCandidates(configured, is_wrapper)) {
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

// Runs RunBoot(options) in a child under init.timeout_ms (and the time it may wait on
// the line), the child publishing its progress on a shared board. When it crashes or
// hangs, a second, short-lived child records why (blaming the step it was in) from the
// last published state, so the report goes on with the same sequence.
GuardedEnd RunGuarded(BootOptions options, const WrapperKeys& keys, ChildMemory memory) {
  std::unique_ptr<ProgressBoard> board = ProgressBoard::Create();
  options.progress = board.get();
  ChildEnd child = RunInChild([&options] { return RunBoot(options); },
                              keys.timeout_ms + keys.channel_timeout_ms, memory);
  options.progress = nullptr;
  if (child.stopped.empty()) {
    if (options.phase != BootPhase::kAll || child.status == 0) {
      return {child.status, options.phase == BootPhase::kAll};
    }
    // Status 1 is also an error outside any step (the child's catch-all): when the
    // board shows no ready, it went like a crash, and is recovered like one.
    Result<BootState> state =
        board ? ParseProgressLog(board->Contents()) : Result<BootState>(Status::Error("no board"));
    if (!board || (state.ok() && state->ready_sent)) return {child.status, true};
    child.stopped = "exited with status " + std::to_string(child.status) + " before ready";
  }
  spdlog::error("the fixups process {}", child.stopped);
  if (board) {
    Result<BootState> state = ParseProgressLog(board->Contents());
    if (state.ok() && state->ready_sent) {  // it died after its report
      // The sync after ready (the only step after it) hung or crashed: the report
      // must not say ok.
      if (!state->running_step.empty() && !options.dry_run) {
        AddFailedStepToReport(options.root, state->running_step,
                               "the agent stopped during this step: " + child.stopped);
      }
      return {1, true};
    }
    if (state.ok()) options.resume = *state;
  }
  options.phase = BootPhase::kRecover;
  options.recover_reason = child.stopped;
  RunInChild([&options] { return RunBoot(options); }, kShortRunMs + keys.channel_timeout_ms);
  return {1, false};
}

}  // namespace

int RunBootGuarded(BootOptions options) {
  WrapperSettings guard = ReadWrapperSettings(options);
  options.preloaded = &guard.loaded;
  BootPhase wanted = options.phase;
  // Without readiness gates the child reports ready itself (one process, one open of
  // the line); gates may wait long, so they run here, outside the fixups' time limit.
  if (wanted != BootPhase::kAll || guard.has_gates) options.phase = BootPhase::kFixups;
  // Shared memory: from an init script the caller is not PID 1, and a guard that dies
  // of a damaged heap after a crashed child costs only the report, never the boot.
  GuardedEnd fixups = RunGuarded(options, guard, ChildMemory::kShared);
  if (wanted != BootPhase::kAll || fixups.ready_sent) return fixups.status;
  options.phase = BootPhase::kReady;
  int ready = RunBoot(options);
  return ready != 0 ? ready : fixups.status;
}

void RunInit(int argc, char** argv) {
  WrapperSettings wrapper;
  bool remounted = false;  // the root made writable for the fixups: read-only again after
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
    options.preloaded = &wrapper.loaded;

    std::vector<std::string> root_problems;
    remounted = MakeRootWritable(&root_problems);
    // Ready from the fixups process itself unless it must wait for gates or for a
    // late init script.
    bool ready_now = !wrapper.ready_late && !wrapper.has_gates;
    options.phase = ready_now ? BootPhase::kAll : BootPhase::kFixups;
    GuardedEnd fixups = RunGuarded(options, wrapper, ChildMemory::kCopy);
    // The state and report are under /run (tmpfs): the root can go back to read-only.
    if (remounted) RestoreRootReadOnly(&root_problems);
    remounted = false;
    for (const auto& problem : root_problems) spdlog::warn("init: {}", problem);
    if (!wrapper.ready_late && !fixups.ready_sent) {
      options.phase = BootPhase::kReady;
      if (wrapper.has_gates)
        RunDetached([options] { return RunBoot(options); });
      else
        RunInChild([&options] { return RunBoot(options); },
                   kShortRunMs + wrapper.channel_timeout_ms);
    }
  } catch (...) {
    // Whatever went wrong above, the real init still runs, with the root as it found it.
    if (remounted) {
      std::vector<std::string> ignored;
      RestoreRootReadOnly(&ignored);
    }
  }
  ExecRealInit(wrapper.init, argc, argv);
}

}  // namespace umla::agent
