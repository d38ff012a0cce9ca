#include "agent/core/boot_runner.h"

#include <exception>

#include <spdlog/spdlog.h>

#include "common/log.h"
#include "protocol/frame.h"

namespace umla::agent {

BootRunner::BootRunner(EventSink& sink, Clock& clock) : sink_(sink), clock_(clock) {
  for (const protocol::Event& event : protocol::WarmUpEvents(0)) {
    (void)protocol::EncodeFrame(protocol::EncodeEvent(event));
  }
}

uint64_t BootRunner::Now() {
  uint64_t now = clock_.NowMicros();
  if (!started_) {
    start_us_ = now;
    started_ = true;
  } else if (now - offset_read_us_ < kOffsetLifetimeUs) {
    return now;
  }
  // Inside UML a clock read is a syscall (~0.1 ms): the realtime clock is read once
  // per run (again after a while: a run waiting for readiness gates may see the clock
  // set), and each event's wall_us is the monotonic time it describes plus this.
  wall_offset_us_ = static_cast<int64_t>(clock_.WallMicros()) - static_cast<int64_t>(now);
  offset_read_us_ = now;
  return now;
}

void BootRunner::Send(protocol::Event event, uint64_t at_us) {
  event.seq = next_seq_++;
  last_event_us_ = at_us;
  // What the host measures its detection latency from: the moment the event describes
  // (a step's end), so the encoding and the write count as latency, never less.
  int64_t wall = static_cast<int64_t>(at_us) + wall_offset_us_;
  event.wall_us = wall > 0 ? static_cast<uint64_t>(wall) : 0;
  Status sent = sink_.Send(protocol::EncodeFrame(protocol::EncodeEvent(event)));
  if (!sent.ok()) spdlog::warn("event channel: {}", sent.message());
}

void BootRunner::SendHello(const protocol::Hello& hello) {
  protocol::Event event;
  event.type = protocol::EventType::kHello;
  event.hello = hello;
  Send(std::move(event), Now());
}

void BootRunner::Record(protocol::StepResult result, uint64_t at_us) {
  protocol::Event event;
  event.type = protocol::EventType::kStep;
  event.step = result;
  Send(std::move(event), at_us);  // first: the host waits for it, the log does not
  if (result.status == protocol::StepStatus::kFailed) {
    LogUntimed(spdlog::level::err, fmt::format("step {} failed: {}", result.name, result.reason));
  } else {
    LogUntimed(spdlog::level::info,
               fmt::format("step {}: {} ({} changes, {} us)", result.name,
                           protocol::StepStatusName(result.status), result.changes.size(),
                           result.duration_us));
  }
  results_.push_back(std::move(result));
}

protocol::StepResult BootRunner::RunStep(Step& step, StepContext& context) {
  protocol::StepResult result;
  result.name = std::string(step.name());
  // From the moment the previous event describes, not a clock read of its own: inside
  // UML a read is a syscall (~0.1 ms), and this way the steps' durations add up to
  // the run's total (what the agent did between two steps is charged to the second).
  uint64_t begin = started_ ? last_event_us_ : Now();
  StepOutcome outcome;
  try {
    outcome = step.Run(context);
  } catch (const std::exception& error) {
    outcome.status = Status::Error(std::string("internal error: ") + error.what());
  } catch (...) {
    outcome.status = Status::Error("internal error: unknown exception");
  }
  uint64_t end = Now();
  result.duration_us = end - begin;
  result.changes = std::move(outcome.changes);
  if (!outcome.status.ok()) {
    result.status = protocol::StepStatus::kFailed;
    result.reason = outcome.status.message();
  } else if (outcome.skipped) {
    result.status = protocol::StepStatus::kSkipped;
    result.reason = outcome.skip_reason;
  }
  Record(result, end);
  return result;
}

void BootRunner::RecordFailure(std::string name, std::string reason) {
  protocol::StepResult result;
  result.name = std::move(name);
  result.status = protocol::StepStatus::kFailed;
  result.reason = std::move(reason);
  Record(std::move(result), Now());
}

protocol::Ready BootRunner::SendReady(uint64_t max_rss_kb) {
  protocol::Ready ready;
  ready.max_rss_kb = max_rss_kb;
  ready.steps = results_;
  for (const auto& step : results_) {
    if (step.status == protocol::StepStatus::kFailed) ready.ok = false;
  }
  uint64_t now = Now();
  ready.total_us = now - start_us_;
  protocol::Event event;
  event.type = protocol::EventType::kReady;
  event.ready = ready;
  Send(std::move(event), now);
  return ready;
}

void BootRunner::RecordResult(protocol::StepResult result) {
  Record(std::move(result), Now());
}

void BootRunner::Resume(uint64_t next_seq, uint64_t start_us,
                        std::vector<protocol::StepResult> results) {
  next_seq_ = next_seq;
  last_event_us_ = Now();  // this process's clock offset; its first step starts here
  start_us_ = start_us;
  results_ = std::move(results);
}

void BootRunner::SendFatal(const std::string& reason) {
  protocol::Event event;
  event.type = protocol::EventType::kFatal;
  event.fatal.reason = reason;
  Send(std::move(event), Now());
}

}  // namespace umla::agent
