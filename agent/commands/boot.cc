#include "agent/commands/boot.h"

#include <sys/resource.h>
#include <time.h>

#include <unistd.h>

#include <algorithm>
#include <optional>
#include <cstdio>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "agent/commands/state_file.h"
#include "agent/core/boot_runner.h"
#include "agent/core/init_choice.h"
#include "agent/system/ready_lock.h"
#include "agent/core/ready_gates.h"
#include "agent/steps/crash_hook.h"
#include "agent/system/gate_probe.h"
#include "agent/steps/registry.h"
#include "agent/system/console_line.h"
#include "agent/system/device_nodes.h"
#include "agent/system/early_mounts.h"
#include "agent/system/file_system.h"
#include "agent/system/guest_info.h"
#include "agent/system/mounts.h"
#include "agent/system/network_control.h"
#include "agent/system/progress_board.h"
#include "agent/system/seams.h"
#include "common/log.h"

namespace umla::agent {
namespace {

// Events in --dry-run go nowhere: the plan on stdout is the output.
class DiscardSink : public EventSink {
 public:
  Status Send(std::string_view) override { return Status::Ok(); }
};

void KeepReport(const std::string& root, const protocol::Ready& ready,
                const protocol::Hello& hello, uint64_t start_us);

// Tells the guard waiting for this run (if any) how far it got.
void Record(ProgressBoard* board, std::string_view record) {
  if (board != nullptr && !board->Append(record)) {
    spdlog::warn("progress log full: the guard may not know how far this run got");
  }
}

// Makes the steps' renames durable (one fsync a directory). Named like a step while it
// runs: before ready (the wrapper's fixups), a disk that hangs the fsync is blamed on
// it; after ready the guard only stops the run, whose report is kept already.
Status SyncChanges(RealFileSystem& files, ProgressBoard* progress) {
  Record(progress, ProgressRunRecord("sync"));
  Status synced = files.SyncDirectories();
  if (synced.ok()) Record(progress, ProgressRunRecord(""));
  return synced;
}

// Sends to the line, then records the frame for the guard.
class RecordingSink : public EventSink {
 public:
  RecordingSink(EventSink& line, ProgressBoard* board) : line_(line), board_(board) {}
  Status Send(std::string_view frame) override {
    Status sent = line_.Send(frame);
    Record(board_, frame);
    return sent;
  }

 private:
  EventSink& line_;
  ProgressBoard* board_;
};

// Runs the readiness gates (if any are configured) and records their results.
void RunGates(const Settings& settings, FileSystem& files, BootRunner& runner, Clock& clock,
              std::optional<ExactCreationModes>* creation_modes) {
  Result<GatePlan> plan = ParseGates(settings);
  if (!plan.ok()) {
    runner.RecordFailure("gate", plan.status().message());
    return;
  }
  if (plan->gates.empty()) return;
  // A gate's command creates files as the boot's own umask says, not the steps' 0.
  creation_modes->reset();
  LinuxGateProbe probe(files, plan->timeout_ms);
  auto sleep_ms = [](uint64_t ms) { ::usleep(static_cast<useconds_t>(ms * 1000)); };
  for (auto& result : WaitForGates(*plan, probe, clock, sleep_ms)) {
    runner.RecordResult(std::move(result));
  }
  creation_modes->emplace();  // the report after them is made as without gates
}

}  // namespace

LoadedSettings LoadBootSettings(const BootOptions& options, FileSystem& files) {
  LoadedSettings loaded;
  Settings& settings = loaded.settings;
  std::vector<std::string>* problems = &loaded.problems;
  Result<std::optional<std::string>> text = files.ReadFileIfPresent(options.config_path);
  if (!text.ok()) {
    problems->push_back(text.status().message());
  } else if (*text) {
    Status parsed = settings.LoadJson(**text, options.config_path);
    if (!parsed.ok()) problems->push_back(parsed.message());
  }
  Result<std::string> cmdline = ReadHostFirstLine(options.cmdline_path);
  loaded.cmdline_read = cmdline.ok();
  if (cmdline.ok()) {
    std::vector<std::string> warnings;
    settings.LoadKernelCmdline(*cmdline, &warnings);
    for (const auto& warning : warnings) spdlog::warn("{}", warning);
  } else {
    spdlog::warn("{}", cmdline.status().message());
  }
  for (const std::string& assignment : options.settings) {
    size_t equals = assignment.find('=');
    if (equals == std::string::npos) {
      problems->push_back("--set " + assignment + ": expected KEY=VALUE");
      continue;
    }
    settings.Set(assignment.substr(0, equals), assignment.substr(equals + 1), "--set");
  }
  return loaded;
}

namespace {

// The report also says when its run's first event went out (`start_us`, the
// monotonic clock): the boot's state is the later of it and the state file.
void KeepReport(const std::string& root, const protocol::Ready& ready,
                const protocol::Hello& hello, uint64_t start_us) {
  protocol::Event event;
  event.type = protocol::EventType::kReady;
  event.ready = ready;
  nlohmann::json report = protocol::EventToJson(event);
  report["hello"] = {{"agent_version", hello.agent_version},
                     {"kernel", hello.kernel},
                     {"boot_id", hello.boot_id},
                     {"mode", hello.mode}};
  report["start_us"] = start_us;
  RealFileSystem files(root);
  Status written = files.WriteRunFile(kReportPath, protocol::JsonText(report, 2) + "\n");
  if (!written.ok()) spdlog::warn("keeping the report: {}", written.message());
}

// A mistyped key would otherwise be ignored without a word: name each unknown one.
void WarnAboutUnknownKeys(const Settings& settings) {
  std::vector<std::string_view> known = {
      "channel",      "channel.timeout_ms", "init.exec",  "init.timeout_ms",
      "ready.late",   "ready.timeout_ms",   "ready.tcp",  "ready.file",
      "ready.unit",   "ready.command",      "debug.crash_step"};
  for (const auto& step : MakeBootSteps()) {
    for (std::string_view key : step->keys()) known.push_back(key);
  }
  for (const std::string& key : settings.UnknownKeys(known)) {
    spdlog::warn("setting {} (from {}) is not a key any step reads; ignored", key,
                 settings.Get(key)->source);
  }
}

}  // namespace

int RunBoot(const BootOptions& options) {
  // Only where steps will run, and not under the wrapper, which mounted them already.
  bool runs_steps = options.phase == BootPhase::kAll || options.phase == BootPhase::kFixups;
  std::optional<std::string> mount_table;  // as read by the early mounts, if still so
  if (options.root == "/" && !options.dry_run && runs_steps && options.mode != "init") {
    for (const auto& problem : MountEarlyFilesystems(/*kernel_interfaces_only=*/true,
                                                     &mount_table)) {
      spdlog::warn("{}", problem);
    }
  }
  std::optional<ExactCreationModes> exact_modes(std::in_place);
  RealFileSystem files(options.root);
  files.DeferDirectorySyncs();  // synced once, after the steps
  SystemSeams system;
  system.files = &files;
  LinuxDeviceNodes nodes(options.root);
  system.nodes = &nodes;
  LinuxMounts mounts(options.root);
  system.mounts = &mounts;
  // With --root the agent works on an image tree, not the running system: the
  // interfaces it would change are the host's, so the network is left alone.
  LinuxNetworkControl network;
  if (options.root == "/") {
    system.network = &network;
    system.modules = &mounts;
  }
  std::optional<LoadedSettings> own;
  if (!options.preloaded || !options.preloaded->cmdline_read) {
    own = LoadBootSettings(options, files);
  }
  const LoadedSettings& loaded = own ? *own : *options.preloaded;
  const Settings& settings = loaded.settings;
  WarnAboutUnknownKeys(settings);
  std::vector<std::string> config_problems = loaded.problems;

  std::string channel = options.channel;
  if (channel.empty()) {
    Result<std::string> configured = settings.Path("channel", kDefaultChannel);
    if (!configured.ok()) config_problems.push_back(configured.status().message());
    channel = configured.ok() ? *configured : kDefaultChannel;
  }
  // The wrapper's own and channel.timeout_ms, named here.
  WrapperKeys keys = ParseWrapperKeys(settings, &config_problems);

  // A run continues what an earlier process of this boot recorded (wrapper -> ready).
  protocol::Hello hello{UMLA_VERSION, KernelRelease(), BootId(), options.mode,
                       ClockMicros(CLOCK_BOOTTIME)};
  // A run of both phases starts the boot's report afresh: no earlier state to read.
  std::optional<BootState> earlier = options.resume;
  // Held until this process ends: a second ready process of the boot reads the state
  // only once this one sent ready (or died).
  std::optional<ReadyLock> ready_lock;
  if (!options.dry_run && options.phase == BootPhase::kReady) {
    ready_lock.emplace("/proc/self/exe");
  }
  if (!earlier && !options.dry_run && options.phase != BootPhase::kAll) {
    // Only the running system can have mounts over its /run since the fixups ran.
    earlier = options.root == "/" ? LoadBootState(files, hello.boot_id, ReadBelowMounts)
                                  : LoadBootState(files, hello.boot_id);
    // A crashed run that left no state of its own starts afresh, never from an
    // earlier run that finished.
    if (earlier && earlier->ready_sent && options.phase == BootPhase::kRecover) earlier.reset();
  }
  if (options.phase == BootPhase::kFixups && earlier) {
    spdlog::info("the fixups already ran in this boot (mode {})", earlier->hello.mode);
    return 0;
  }
  if (options.phase == BootPhase::kReady && earlier && earlier->ready_sent) {
    spdlog::info("ready was already sent in this boot");
    return 0;
  }

  ConsoleLine line(channel, keys.channel_timeout_ms);
  DiscardSink discard;
  EventSink* sink = &discard;
  if (!options.dry_run) {
    Status opened = line.Open();
    if (opened.ok()) {
      sink = &line;
      LogUntimed(spdlog::level::info, "reporting on " + channel);
    } else {
      spdlog::error("{} (events are only logged)", opened.message());
    }
  }

  RecordingSink recording(*sink, options.progress);
  if (options.progress != nullptr) sink = &recording;
  SystemClock clock;
  BootRunner runner(*sink, clock);
  bool resumed = earlier.has_value();  // never for a run of both phases (above)
  if (resumed) {
    hello = earlier->hello;
    runner.Resume(earlier->next_seq, earlier->start_us, earlier->steps);
    if (!earlier->running_step.empty()) {
      runner.RecordFailure(earlier->running_step,
                           "the agent stopped during this step: " +
                               (options.recover_reason.empty() ? std::string("crashed")
                                                               : options.recover_reason));
    } else if (options.phase == BootPhase::kRecover) {
      runner.RecordFailure("fixups", options.recover_reason);
    }
  } else {
    runner.SendHello(hello);
    if (options.phase == BootPhase::kReady || options.phase == BootPhase::kRecover) {
      runner.RecordFailure("fixups", options.phase == BootPhase::kReady
                                         ? "no record that the fixups ran in this boot (" +
                                               std::string(kStatePath) + " is missing)"
                                         : options.recover_reason);
    }
  }

  Record(options.progress, ProgressStartRecord(runner.start_us()));

  if (options.phase == BootPhase::kAll || options.phase == BootPhase::kFixups) {
    for (const auto& problem : config_problems) runner.RecordFailure("config", problem);
    std::vector<std::unique_ptr<Step>> steps = MakeBootSteps();
    if (auto hook = MakeCrashHookStep(settings)) steps.push_back(std::move(hook));
    std::string plan;
    StepContext context{settings, &system, options.dry_run, &plan};
    // The steps run in order, and alone (docs/boot-integration.md): what they read of
    // files and the mount table is read once.
    files.RememberContents(true);
    mounts.RememberTable(true, std::move(mount_table));
    mounts.AfterEachMount([&files] { files.ForgetContents(); });  // it may cover a file read
    for (auto& step : steps) {
      const auto& only = options.only_steps;
      if (!only.empty() && std::find(only.begin(), only.end(), step->name()) == only.end()) continue;
      // Names the step about to run: if it crashes, the guard blames the right one.
      Record(options.progress, ProgressRunRecord(step->name()));
      runner.RunStep(*step, context);
      std::fputs(plan.c_str(), stdout);
      plan.clear();
    }
    files.RememberContents(false);
    mounts.RememberTable(false);
    // A run that sends ready itself syncs after it (below); fixups alone sync here.
    if (options.phase == BootPhase::kFixups) {
      Status synced = SyncChanges(files, options.progress);
      if (!synced.ok()) runner.RecordFailure("sync", synced.message());
    }
  }
  if (options.phase == BootPhase::kFixups || options.phase == BootPhase::kRecover) {
    SaveBootState(files, hello, runner);
    line.Close();
    for (const auto& step : runner.results()) {
      if (step.status == protocol::StepStatus::kFailed) return 1;
    }
    return 0;
  }

  if (!options.dry_run) RunGates(settings, files, runner, clock, &exact_modes);
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  protocol::Ready ready = runner.SendReady(static_cast<uint64_t>(usage.ru_maxrss));
  LogUntimed(spdlog::level::info, fmt::format("ready after {} us: {} steps, {}", ready.total_us,
                                              ready.steps.size(),
                                              ready.ok ? "all ok" : "some failed"));
  line.Close();
  spdlog::default_logger()->flush();
  if (options.dry_run) return ready.ok ? 0 : 1;
  // The report first (tmpfs writes): were the sync below to hang, the guard stops
  // this run as one that reported, and adds the sync's failure to the report.
  KeepReport(options.root, ready, hello, runner.start_us());  // the boot's state from now on
  // The changes are in place and atomic before ready; making their renames durable
  // (a directory fsync, ~1 ms inside UML) can follow it, before the agent exits: a
  // crash before it may leave the old files, which the next boot fixes again. Its
  // failure is the run's (exit status, report, kernel log), not the host's.
  Status synced = SyncChanges(files, options.progress);
  if (!synced.ok()) {
    spdlog::error("sync after ready: {} (a crash may undo the changes)", synced.message());
    AddFailedStepToReport(options.root, "sync", synced.message());
    return 1;
  }
  return ready.ok ? 0 : 1;
}

void AddFailedStepToReport(const std::string& root, const std::string& step,
                           const std::string& reason) {
  RealFileSystem files(root);
  Result<std::string> text = files.ReadFile(kReportPath);
  nlohmann::json report =
      text.ok() ? nlohmann::json::parse(*text, nullptr, false) : nlohmann::json();
  if (!report.is_object() || !report.contains("steps") || !report["steps"].is_array()) {
    spdlog::warn("no report to add the {} step's failure to", step);
    return;
  }
  protocol::StepResult failed;
  failed.name = step;
  failed.status = protocol::StepStatus::kFailed;
  failed.reason = reason;
  protocol::Event event;
  event.type = protocol::EventType::kReady;
  event.ready.steps = {failed};
  report["steps"].push_back(protocol::EventToJson(event)["steps"][0]);
  report["ok"] = false;
  Status written = files.WriteRunFile(kReportPath, protocol::JsonText(report, 2) + "\n");
  if (!written.ok()) spdlog::warn("keeping the report: {}", written.message());
}

int RunStatus(const std::string& root, bool json) {
  RealFileSystem files(root);
  Result<std::string> text = files.ReadFile(kReportPath);
  // Empty: a crash right after it was written, where /run is not a tmpfs (no fsync).
  if (text.ok() && text->empty()) text = Status::Error(files.HostPath(kReportPath) + " is empty");
  if (!text.ok()) {
    std::fprintf(stderr, "uml-agent: no report from this boot (%s)\n",
                 text.status().message().c_str());
    return 1;
  }
  if (json) {
    std::fputs(text->c_str(), stdout);
    return 0;
  }
  nlohmann::json report = nlohmann::json::parse(*text, nullptr, false);
  if (report.is_discarded() || !report.is_object()) {
    std::fprintf(stderr, "uml-agent: %s is not a valid report\n",
                 files.HostPath(kReportPath).c_str());
    return 1;
  }
  bool ok = report.value("ok", false);
  std::printf("last run: %s in %llu us\n", ok ? "ok" : "FAILED",
              static_cast<unsigned long long>(report.value("total_us", uint64_t{0})));
  for (const auto& step : report.value("steps", nlohmann::json::array())) {
    std::printf("  %s: %s", step.value("name", "?").c_str(), step.value("status", "?").c_str());
    if (step.contains("reason")) std::printf(" (%s)", step.value("reason", "").c_str());
    std::printf("\n");
    for (const auto& change : step.value("changes", nlohmann::json::array())) {
      if (change.is_string()) std::printf("    %s\n", change.get<std::string>().c_str());
    }
  }
  return ok ? 0 : 1;
}

}  // namespace umla::agent
