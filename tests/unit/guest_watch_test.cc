#include "host-bridge/watch/guest_watch.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "host-bridge/watch/exit_codes.h"
#include "protocol/frame.h"

namespace umla::bridge {
namespace {

using protocol::Event;
using protocol::EventType;

std::string Frame(Event event) { return protocol::EncodeFrame(protocol::EncodeEvent(event)); }

Event Hello(uint64_t seq, std::string boot_id = "b1") {
  Event event;
  event.type = EventType::kHello;
  event.seq = seq;
  event.hello = {"0.1.0", "6.1", std::move(boot_id), "boot"};
  return event;
}

Event Ready(uint64_t seq, bool ok) {
  Event event;
  event.type = EventType::kReady;
  event.seq = seq;
  event.ready.ok = ok;
  return event;
}

struct Recorder {
  std::vector<std::string> progress;
  std::vector<nlohmann::json> events;
  WatchOutput Output() {
    return {[this](const std::string& line) { progress.push_back(line); },
            [this](const nlohmann::json& event) { events.push_back(event); }};
  }
};

TEST(GuestWatch, StagesAdvanceToReady) {
  Recorder recorder;
  GuestWatch watch(recorder.Output());
  EXPECT_STREQ(MissingStageName(watch.stage()), "kernel");
  watch.KernelUp("mconsole /x");
  EXPECT_STREQ(MissingStageName(watch.stage()), "agent");
  watch.Feed(Frame(Hello(1)));
  EXPECT_STREQ(MissingStageName(watch.stage()), "readiness");
  watch.Feed(Frame(Ready(2, true)));
  EXPECT_TRUE(watch.ready());
  EXPECT_EQ(watch.ReadyExitCode(), kExitReady);
  EXPECT_EQ(recorder.events.size(), 2u);
}

TEST(GuestWatch, FailedStepMeansExitOne) {
  Recorder recorder;
  GuestWatch watch(recorder.Output());
  watch.Feed(Frame(Hello(1)) + Frame(Ready(2, false)));
  EXPECT_EQ(watch.ReadyExitCode(), kExitStepFailed);
}

Event Step(uint64_t seq, protocol::StepStatus status) {
  Event event;
  event.type = EventType::kStep;
  event.seq = seq;
  event.step.name = "fstab";
  event.step.status = status;
  return event;
}

// The guest's "ok" is only a claim: a failed step it reported itself wins.
TEST(GuestWatch, ReadyClaimingOkWithAFailedStepIsExitOne) {
  Recorder recorder;
  GuestWatch in_summary(recorder.Output());
  Event ready = Ready(2, true);
  ready.ready.steps.push_back(Step(0, protocol::StepStatus::kFailed).step);
  in_summary.Feed(Frame(Hello(1)) + Frame(ready));
  EXPECT_EQ(in_summary.ReadyExitCode(), kExitStepFailed);
  EXPECT_FALSE(in_summary.ready_event()->ok);
  EXPECT_NE(recorder.progress.back().find("SOME STEPS FAILED"), std::string::npos);

  GuestWatch in_step_event(recorder.Output());
  in_step_event.Feed(Frame(Hello(1)) + Frame(Step(2, protocol::StepStatus::kFailed)) +
                     Frame(Ready(3, true)));
  EXPECT_EQ(in_step_event.ReadyExitCode(), kExitStepFailed);
}

TEST(GuestWatch, AFailedStepOfAnEarlierBootDoesNotCount) {
  Recorder recorder;
  GuestWatch watch(recorder.Output());
  Event skipped = Ready(3, true);
  skipped.ready.steps.push_back(Step(0, protocol::StepStatus::kSkipped).step);
  watch.Feed(Frame(Hello(1, "b1")) + Frame(Step(2, protocol::StepStatus::kFailed)) +
             Frame(Hello(1, "b2")) + Frame(skipped));
  EXPECT_EQ(watch.ReadyExitCode(), kExitReady);
}

TEST(GuestWatch, FatalMeansExitOne) {
  Recorder recorder;
  GuestWatch watch(recorder.Output());
  Event fatal;
  fatal.type = EventType::kFatal;
  fatal.seq = 2;
  fatal.fatal.reason = "no root";
  watch.Feed(Frame(Hello(1)) + Frame(fatal));
  EXPECT_TRUE(watch.fatal());
  EXPECT_EQ(watch.ReadyExitCode(), kExitStepFailed);
}

TEST(GuestWatch, DropsRepeatsAndReordering) {
  Recorder recorder;
  GuestWatch watch(recorder.Output());
  watch.Feed(Frame(Hello(1)) + Frame(Hello(1)));
  Event step;
  step.type = EventType::kStep;
  step.seq = 3;
  step.step.name = "x";
  watch.Feed(Frame(step));
  step.seq = 2;
  watch.Feed(Frame(step));
  EXPECT_EQ(watch.dropped_frames(), 2u);
  EXPECT_EQ(recorder.events.size(), 2u);
}

TEST(GuestWatch, ResynchronisesAfterGarbage) {
  Recorder recorder;
  GuestWatch watch(recorder.Output());
  watch.Feed(std::string(100000, 'Z'));
  watch.Feed("\nUMLA1 deadbeef {\"type\":\"ready\"}\n\x1b[2J garbage\n");
  watch.Feed(Frame(Hello(1)) + Frame(Ready(2, true)));
  EXPECT_TRUE(watch.ready());
  EXPECT_EQ(watch.corrupt_frames(), 2u);
}

TEST(GuestWatch, ProgressLinesCarryNoEscapeSequences) {
  Recorder recorder;
  GuestWatch watch(recorder.Output());
  Event hello = Hello(1);
  hello.hello.kernel = "6.1\x1b]0;owned\x07";
  watch.Feed(Frame(hello));
  ASSERT_FALSE(recorder.progress.empty());
  for (const auto& line : recorder.progress) {
    for (char c : line) EXPECT_GE(static_cast<unsigned char>(c), 0x20) << line;
  }
}

TEST(GuestWatch, ANewBootIdRestartsTheSequence) {
  Recorder recorder;
  GuestWatch watch(recorder.Output());
  watch.Feed(Frame(Hello(1, "first")) + Frame(Hello(1, "second")));
  EXPECT_EQ(watch.dropped_frames(), 0u);
}

TEST(GuestWatch, CutFinalFrameIsCorrupt) {
  Recorder recorder;
  GuestWatch watch(recorder.Output());
  std::string frame = Frame(Hello(1));
  watch.Feed(frame.substr(0, 20));
  watch.ChannelClosed();
  EXPECT_EQ(watch.corrupt_frames(), 1u);
  EXPECT_FALSE(watch.ready());
}

}  // namespace
}  // namespace umla::bridge

namespace umla::bridge {
namespace {

TEST(GuestWatchLatency, StampedEventsGetTheHostLatency) {
  std::vector<nlohmann::json> events;
  GuestWatch watch({nullptr, [&](const nlohmann::json& e) { events.push_back(e); },
                    [] { return uint64_t{5000}; }});
  protocol::Event hello;
  hello.type = protocol::EventType::kHello;
  hello.seq = 1;
  hello.wall_us = 4200;
  watch.Feed(protocol::EncodeFrame(protocol::EncodeEvent(hello)));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["host_latency_us"], 800u);
  EXPECT_EQ(events[0]["wall_us"], 4200u);
}

}  // namespace
}  // namespace umla::bridge
