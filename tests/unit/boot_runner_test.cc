#include "agent/core/boot_runner.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "protocol/frame.h"

namespace umla::agent {
namespace {

class RecordingSink : public EventSink {
 public:
  Status Send(std::string_view frame) override {
    frames.emplace_back(frame);
    return Status::Ok();
  }
  std::vector<protocol::Event> Events() const {
    std::vector<protocol::Event> events;
    for (const auto& frame : frames) {
      auto line = protocol::DecodeLine(std::string_view(frame).substr(0, frame.size() - 1));
      events.push_back(*protocol::DecodeEvent(line.text));
    }
    return events;
  }
  std::vector<std::string> frames;
};

class FakeClock : public Clock {
 public:
  uint64_t NowMicros() override { return now += 10; }
  uint64_t WallMicros() override { return 1700000000000000u + now; }
  uint64_t now = 0;
};

class FakeStep : public Step {
 public:
  enum class Behaviour { kOk, kFail, kThrow, kSkip };
  FakeStep(std::string name, Behaviour behaviour) : name_(std::move(name)), behaviour_(behaviour) {}
  std::string_view name() const override { return name_; }
  StepOutcome Run(StepContext&) override {
    StepOutcome outcome;
    switch (behaviour_) {
      case Behaviour::kOk: outcome.changes = {"+ something"}; break;
      case Behaviour::kFail: outcome.status = Status::Error("/etc/x:2: broken"); break;
      case Behaviour::kThrow: throw std::runtime_error("boom");
      case Behaviour::kSkip: outcome.skipped = true; outcome.skip_reason = "disabled"; break;
    }
    return outcome;
  }

 private:
  std::string name_;
  Behaviour behaviour_;
};

TEST(BootRunner, AFailingOrThrowingStepDoesNotStopTheOthers) {
  RecordingSink sink;
  FakeClock clock;
  BootRunner runner(sink, clock);
  Settings settings;
  StepContext context{settings, nullptr, false, nullptr};
  runner.SendHello({"v", "k", "b", "boot"});
  FakeStep fail("a", FakeStep::Behaviour::kFail), boom("b", FakeStep::Behaviour::kThrow),
      ok("c", FakeStep::Behaviour::kOk), skip("d", FakeStep::Behaviour::kSkip);
  runner.RunStep(fail, context);
  runner.RunStep(boom, context);
  runner.RunStep(ok, context);
  runner.RunStep(skip, context);
  protocol::Ready ready = runner.SendReady();

  EXPECT_FALSE(ready.ok);
  ASSERT_EQ(ready.steps.size(), 4u);
  EXPECT_EQ(ready.steps[0].reason, "/etc/x:2: broken");
  EXPECT_EQ(ready.steps[1].status, protocol::StepStatus::kFailed);
  EXPECT_NE(ready.steps[1].reason.find("boom"), std::string::npos);
  EXPECT_EQ(ready.steps[2].status, protocol::StepStatus::kOk);
  EXPECT_EQ(ready.steps[2].changes.size(), 1u);
  EXPECT_EQ(ready.steps[3].status, protocol::StepStatus::kSkipped);
  EXPECT_GT(ready.steps[2].duration_us, 0u);

  auto events = sink.Events();
  ASSERT_EQ(events.size(), 6u);  // hello, 4 steps, ready
  for (size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].seq, i + 1);
  EXPECT_EQ(events.front().type, protocol::EventType::kHello);
  EXPECT_EQ(events.back().type, protocol::EventType::kReady);
}

// The realtime clock is read once per run, but again after a second: a run waiting
// for readiness gates may see the guest's clock set meanwhile.
TEST(BootRunner, WallStampsFollowTheMonotonicClockAndASetClock) {
  class SetClock : public Clock {
   public:
    uint64_t NowMicros() override { return now; }
    uint64_t WallMicros() override { return now + offset; }
    uint64_t now = 1000, offset = 5000000;
  };
  RecordingSink sink;
  SetClock clock;
  BootRunner runner(sink, clock);
  runner.SendHello({"v", "k", "b", "boot"});
  clock.now += 300;
  clock.offset = 9000000;  // set within the first second: not seen yet
  runner.SendFatal("x");
  clock.now += 2000000;
  runner.SendReady();
  auto events = sink.Events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].wall_us, 1000u + 5000000u);
  EXPECT_EQ(events[1].wall_us, 1300u + 5000000u);
  EXPECT_EQ(events[2].wall_us, 2001300u + 9000000u);
}

// Inside UML a clock read is a syscall: a step costs one (its end), starting where the
// event before it ends, so the durations add up to the run's total.
TEST(BootRunner, OneClockReadAStepAndDurationsAddUp) {
  RecordingSink sink;
  FakeClock clock;  // +10 us a read
  BootRunner runner(sink, clock);
  Settings settings;
  StepContext context{settings, nullptr, false, nullptr};
  runner.SendHello({"v", "k", "b", "boot"});
  uint64_t after_hello = clock.now;
  FakeStep a("a", FakeStep::Behaviour::kOk), b("b", FakeStep::Behaviour::kSkip);
  runner.RunStep(a, context);
  runner.RunStep(b, context);
  EXPECT_EQ(clock.now - after_hello, 20u);  // two reads: each step's end
  protocol::Ready ready = runner.SendReady();
  ASSERT_EQ(ready.steps.size(), 2u);
  EXPECT_EQ(ready.steps[0].duration_us, 10u);
  EXPECT_EQ(ready.steps[1].duration_us, 10u);
  EXPECT_EQ(ready.total_us, 30u);  // the two steps and the ready event's own read
}

TEST(BootRunner, NoStepsIsReadyAndOk) {
  RecordingSink sink;
  FakeClock clock;
  BootRunner runner(sink, clock);
  EXPECT_TRUE(runner.SendReady().ok);
}

}  // namespace
}  // namespace umla::agent
