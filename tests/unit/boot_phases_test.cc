#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "agent/commands/state_file.h"
#include "agent/core/boot_state.h"
#include "agent/core/init_choice.h"
#include "agent/core/ready_gates.h"
#include "agent/system/ready_lock.h"
#include "agent/system/self_exe.h"
#include "protocol/frame.h"
#include "tests/unit/fake_storage.h"
#include "tests/unit/temp_dir.h"

namespace umla::agent {
namespace {

TEST(BootState, RoundTripsEverythingTheReadyPhaseNeeds) {
  BootState state;
  state.hello = {"0.1.0", "6.1.176", "b00t", "init"};
  state.next_seq = 7;
  state.start_us = 123456;
  state.running_step = "fstab";
  protocol::StepResult step;
  step.name = "devnodes";
  step.changes = {"+ /dev/ubdb b 98:16"};
  step.duration_us = 42;
  state.steps = {step};
  Result<BootState> parsed = ParseBootState(RenderBootState(state), "state.json");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->hello.boot_id, "b00t");
  EXPECT_EQ(parsed->hello.mode, "init");
  EXPECT_EQ(parsed->next_seq, 7u);
  EXPECT_EQ(parsed->start_us, 123456u);
  EXPECT_EQ(parsed->running_step, "fstab");
  EXPECT_FALSE(parsed->ready_sent);
  ASSERT_EQ(parsed->steps.size(), 1u);
  EXPECT_EQ(parsed->steps[0].changes[0], "+ /dev/ubdb b 98:16");
}

TEST(BootState, RejectsForeignTextNamingTheSource) {
  Result<BootState> parsed = ParseBootState("{\"next_seq\": \"x\"}", "/run/uml-agent/state.json");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("/run/uml-agent/state.json"), std::string::npos);
  EXPECT_FALSE(ParseBootState("not json", "s").ok());
}

std::string Frame(protocol::Event event) {
  return protocol::EncodeFrame(protocol::EncodeEvent(event));
}

protocol::Event HelloEvent() {
  protocol::Event event;
  event.type = protocol::EventType::kHello;
  event.seq = 1;
  event.hello = {"0.1.0", "6.1.176", "b00t", "boot"};
  return event;
}

protocol::Event StepEvent(uint64_t seq, const std::string& name) {
  protocol::Event event;
  event.type = protocol::EventType::kStep;
  event.seq = seq;
  event.step.name = name;
  event.step.changes = {"+ " + name};
  return event;
}

TEST(BootState, AReportIsTheStateOfABootWhoseReadyWentOut) {
  std::string report = R"({"type": "ready", "ok": true, "total_us": 5, "steps": [],
    "start_us": 1234, "hello": {"agent_version": "0.1.0", "kernel": "6.1.176", "boot_id": "b00t", "mode": "boot"}})";
  Result<BootState> state = ParseReportAsBootState(report, "/run/uml-agent/last-run.json");
  ASSERT_TRUE(state.ok()) << state.status().message();
  EXPECT_EQ(state->hello.boot_id, "b00t");
  EXPECT_EQ(state->hello.mode, "boot");
  EXPECT_EQ(state->start_us, 1234u);
  EXPECT_TRUE(state->ready_sent);
  std::string step_event = report;
  step_event.replace(step_event.find("ready"), 5, "step");
  for (std::string bad : {std::string("[]"), std::string("{\"ok\": true}"),
                          std::string("{\"type\": \"ready\", \"hello\": {\"boot_id\": 7}}"),
                          std::string("not json"), step_event}) {
    Result<BootState> parsed = ParseReportAsBootState(bad, "/run/uml-agent/last-run.json");
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(parsed.status().message().find("/run/uml-agent/last-run.json"), std::string::npos);
  }
}

std::string StateOfBoot(const std::string& boot_id, uint64_t start_us) {
  BootState state;
  state.hello = {"0.1.0", "6.1.176", boot_id, "boot"};
  state.next_seq = 5;
  state.start_us = start_us;
  return RenderBootState(state);
}

// A busybox sysinit line that mounts a tmpfs on /run after the fixups hides their
// state file: the late run reads it below that mount, and only when /run has none.
TEST(BootState, AStateHiddenByALaterMountIsReadBelowIt) {
  fakes::MemoryFileSystem files;
  std::vector<std::string> asked;
  PathReader below = [&asked](const std::string& path) -> Result<std::optional<std::string>> {
    asked.push_back(path);
    if (path == kStatePath) return std::optional<std::string>(StateOfBoot("b00t", 77));
    return std::optional<std::string>();
  };
  std::optional<BootState> state = LoadBootState(files, "b00t", below);
  ASSERT_TRUE(state.has_value());
  EXPECT_EQ(state->start_us, 77u);
  EXPECT_EQ(asked.size(), 2u);  // the state file and the report, below the mount

  // Of another boot (a /run on the root filesystem keeps them): not this boot's state.
  EXPECT_FALSE(LoadBootState(files, "other", below).has_value());

  // What /run shows wins, and nothing is looked for below it then.
  files.files[kStatePath] = StateOfBoot("b00t", 99);
  asked.clear();
  state = LoadBootState(files, "b00t", below);
  ASSERT_TRUE(state.has_value());
  EXPECT_EQ(state->start_us, 99u);
  EXPECT_TRUE(asked.empty());

  // A failing look below (no open_tree) is no state, not a failure of the run.
  fakes::MemoryFileSystem empty;
  PathReader failing = [](const std::string&) -> Result<std::optional<std::string>> {
    return Status::Error("open_tree /: Function not implemented");
  };
  EXPECT_FALSE(LoadBootState(empty, "b00t", failing).has_value());
}

// What a guarded run left behind when it died in the middle of a step.
TEST(ProgressLog, RebuildsTheStateOfARunThatDiedInAStep) {
  std::string log = Frame(HelloEvent()) + ProgressStartRecord(4242) + ProgressRunRecord("devnodes") +
                    Frame(StepEvent(2, "devnodes")) + ProgressRunRecord("fstab");
  log += "UMLA1 00000000 {\"type\":\"step\"";  // a frame cut short by the kill: ignored
  Result<BootState> state = ParseProgressLog(log);
  ASSERT_TRUE(state.ok()) << state.status().message();
  EXPECT_EQ(state->hello.boot_id, "b00t");
  EXPECT_EQ(state->start_us, 4242u);
  EXPECT_EQ(state->next_seq, 3u);
  EXPECT_EQ(state->running_step, "fstab");
  EXPECT_FALSE(state->ready_sent);
  ASSERT_EQ(state->steps.size(), 1u);
  EXPECT_EQ(state->steps[0].changes[0], "+ devnodes");
}

TEST(ProgressLog, AReportedStepIsNotRunningAndReadyIsNoted) {
  protocol::Event ready;
  ready.type = protocol::EventType::kReady;
  ready.seq = 3;
  std::string log = Frame(HelloEvent()) + ProgressRunRecord("dns") + Frame(StepEvent(2, "dns"));
  Result<BootState> done = ParseProgressLog(log);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->running_step, "");
  EXPECT_FALSE(done->ready_sent);
  Result<BootState> sent = ParseProgressLog(log + Frame(ready));
  ASSERT_TRUE(sent.ok());
  EXPECT_TRUE(sent->ready_sent);
  EXPECT_EQ(sent->next_seq, 4u);
}

// The directory sync after the steps is named while it runs, and nothing after it.
TEST(ProgressLog, TheSyncAfterTheStepsIsBlamedOnlyWhileItRuns) {
  std::string log = Frame(HelloEvent()) + Frame(StepEvent(2, "dns")) + ProgressRunRecord("sync");
  Result<BootState> hung = ParseProgressLog(log);
  ASSERT_TRUE(hung.ok());
  EXPECT_EQ(hung->running_step, "sync");
  Result<BootState> done = ParseProgressLog(log + ProgressRunRecord(""));
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->running_step, "");
  // A whole run syncs after its ready: hanging there, it is a run that reported
  // (the guard then adds nothing to what the host has).
  protocol::Event ready;
  ready.type = protocol::EventType::kReady;
  ready.seq = 3;
  Result<BootState> after_ready =
      ParseProgressLog(Frame(HelloEvent()) + Frame(StepEvent(2, "dns")) + Frame(ready) +
                       ProgressRunRecord("sync"));
  ASSERT_TRUE(after_ready.ok());
  EXPECT_TRUE(after_ready->ready_sent);
}

TEST(ProgressLog, WithoutAHelloThereIsNoState) {
  EXPECT_FALSE(ParseProgressLog("").ok());
  EXPECT_FALSE(ParseProgressLog(ProgressRunRecord("devnodes")).ok());
}

bool IsAgent(const std::string& path) { return path == "/sbin/uml-agent"; }

TEST(InitChoice, ConfiguredFirstThenTheKernelsOrderWithoutTheWrapper) {
  auto candidates = InitCandidates("/lib/systemd/systemd", IsAgent);
  std::vector<std::string> want = {"/lib/systemd/systemd", "/sbin/init", "/etc/init", "/bin/init",
                                   "/bin/sh"};
  EXPECT_EQ(candidates, want);
  // Configuring the wrapper itself as init would loop: it is dropped.
  EXPECT_EQ(InitCandidates("/sbin/uml-agent", IsAgent).front(), "/sbin/init");
  EXPECT_EQ(InitCandidates("/sbin/init", IsAgent).size(), 4u);
  // So is /sbin/init when it is the agent under another name.
  auto agent_as_init = [](const std::string& path) { return IsAgent(path) || path == "/sbin/init"; };
  EXPECT_EQ(InitCandidates("/sbin/init", agent_as_init).front(), "/etc/init");
}

// The wrapper knows its own file under any name: a link to it, the same path.
TEST(InitChoice, ThisProgramIsKnownUnderAnotherName) {
  umla::testing::TempDir dir("self-exe");
  ASSERT_FALSE(dir.path().empty());
  std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  std::filesystem::create_symlink(self, dir.path() + "/init");
  EXPECT_TRUE(IsThisProgram(dir.path() + "/init"));
  EXPECT_TRUE(IsThisProgram(self));
  EXPECT_FALSE(IsThisProgram("/bin/sh"));
  EXPECT_FALSE(IsThisProgram(dir.path() + "/none"));
}

// 0 would stop every fixup at once: refused, the default kept. The wait on the line
// the wrapper's time limits allow for is read with them.
TEST(InitChoice, WrapperKeysRefuseAZeroTimeLimit) {
  Settings settings;
  settings.Set("init.timeout_ms", "0", "kernel command line");
  settings.Set("channel.timeout_ms", "30000", "kernel command line");
  std::vector<std::string> problems;
  WrapperKeys keys = ParseWrapperKeys(settings, &problems);
  EXPECT_EQ(keys.timeout_ms, 10000u);
  EXPECT_EQ(keys.channel_timeout_ms, 30000u);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("init.timeout_ms"), std::string::npos) << problems[0];
  EXPECT_NE(problems[0].find("expected a whole number from 1 to 3600000"), std::string::npos)
      << problems[0];
}

// A second ready process waits until the first is done (here: has written its line).
// (Another open of the file, as another process makes: a thread here, since a forked
// child would share the first one's open file and with it the lock.)
TEST(ReadyLock, ASecondProcessWaitsForTheFirst) {
  umla::testing::TempDir dir("ready-lock");
  ASSERT_FALSE(dir.path().empty());
  const std::string lock_path = dir.path() + "/uml-agent";
  { std::ofstream(lock_path) << "the program\n"; }
  std::mutex mutex;
  std::string order;
  auto note = [&](const char* who) {
    std::lock_guard<std::mutex> guard(mutex);
    order += who;
  };
  std::thread second;
  {
    ReadyLock first(lock_path);
    ASSERT_TRUE(first.held());
    second = std::thread([&] {
      ReadyLock lock(lock_path);
      note(lock.held() ? "second " : "second-without-lock ");
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // for it to reach the lock
    note("first ");
  }
  second.join();
  EXPECT_EQ(order, "first second ");
}

TEST(InitChoice, FallsBackToTheFirstExecutable) {
  auto candidates = InitCandidates("/sbin/missing", IsAgent);
  auto only_sh = [](const std::string& path) { return path == "/bin/sh"; };
  EXPECT_EQ(ChooseInit(candidates, only_sh), "/bin/sh");
  EXPECT_EQ(ChooseInit(candidates, [](const std::string&) { return false; }), "");
}

TEST(ReadyGates, ParsesEveryKindWithItsName) {
  Settings settings;
  settings.Set("ready.tcp", "22, 8080", "test");
  settings.Set("ready.file", "/run/ok", "test");
  settings.Set("ready.unit", "ssh.service", "test");
  settings.Set("ready.command", "test -e /x, or not", "test");
  settings.Set("ready.timeout_ms", "5000", "test");
  Result<GatePlan> plan = ParseGates(settings);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  ASSERT_EQ(plan->gates.size(), 5u);
  EXPECT_EQ(plan->gates[0].Name(), "gate:tcp:22");
  EXPECT_EQ(plan->gates[1].Name(), "gate:tcp:8080");
  EXPECT_EQ(plan->gates[2].Name(), "gate:file:/run/ok");
  EXPECT_EQ(plan->gates[3].Name(), "gate:unit:ssh.service");
  EXPECT_EQ(plan->gates[4].target, "test -e /x, or not");
  EXPECT_EQ(plan->timeout_ms, 5000u);
}

TEST(ReadyGates, BadValuesNameTheKey) {
  for (auto [key, value] : {std::pair{"ready.tcp", "ssh"},
                            {"ready.tcp", "70000"},
                            {"ready.file", "relative"},
                            {"ready.unit", "no dots"},
                            {"ready.timeout_ms", "soon"}}) {
    Settings settings;
    settings.Set(key, value, "test");
    Result<GatePlan> plan = ParseGates(settings);
    ASSERT_FALSE(plan.ok()) << key << "=" << value;
    EXPECT_NE(plan.status().message().find(key), std::string::npos) << plan.status().message();
  }
  Settings none;
  EXPECT_TRUE(ParseGates(none)->gates.empty());
}

TEST(ReadyGates, ListeningPortsFromProcNetTcp) {
  const char* tcp =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid\n"
      "   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0\n"
      "   1: 0100007F:1F90 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0\n"
      "   2: 0100007F:08AE 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0\n"
      "   3: 0100007F:zz";
  EXPECT_EQ(ListeningTcpPorts(tcp), (std::set<uint16_t>{22, 2222}));
  const char* tcp6 =
      "   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 0\n";
  EXPECT_EQ(ListeningTcpPorts(tcp6), (std::set<uint16_t>{22}));
}

class StepClock : public Clock {
 public:
  uint64_t NowMicros() override { return now; }
  uint64_t WallMicros() override { return 0; }
  uint64_t now = 1000;
};

class ScriptedProbe : public GateProbe {
 public:
  bool Holds(const Gate& gate, std::string* detail) override {
    ++checks;
    if (gate.target == "22") return checks >= 3;  // holds on the third round
    *detail = "never";
    return false;
  }
  int checks = 0;
};

TEST(ReadyGates, WaitsUntilHeldOrTimeout) {
  GatePlan plan;
  plan.timeout_ms = 1000;
  plan.gates = {{GateKind::kTcp, "22"}};
  StepClock clock;
  ScriptedProbe probe;
  auto sleep = [&clock](uint64_t ms) { clock.now += ms * 1000; };
  auto results = WaitForGates(plan, probe, clock, sleep, 200);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, protocol::StepStatus::kOk);
  EXPECT_EQ(results[0].duration_us, 400000u);

  plan.gates = {{GateKind::kFile, "/never"}};
  results = WaitForGates(plan, probe, clock, sleep, 200);
  EXPECT_EQ(results[0].status, protocol::StepStatus::kFailed);
  EXPECT_EQ(results[0].reason, "did not hold within 1000 ms: never");
  EXPECT_EQ(results[0].name, "gate:file:/never");
}

}  // namespace
}  // namespace umla::agent
