#include "agent/core/boot_runner.h"

#include <exception>

#include <spdlog/spdlog.h>

#include "common/log.h"
#include "protocol/frame.h"

namespace umla::agent {

void BootRunner::Send(protocol::Event event) {
  if (!started_) {
    start_us_ = clock_.NowMicros();
    started_ = true;
  }
  event.seq = next_seq_++;
  // wall_us is what the host measures its detection latency from, so it is stamped as
  // close to the write as it can be: the event is encoded once before (in a guest,
  // encoding an event of a new kind first touches code pages at ~0.3 ms each), then
  // again, hot, with the stamp.
  (void)protocol::EncodeFrame(protocol::EncodeEvent(event));
  event.wall_us = clock_.WallMicros();
  Status sent = sink_.Send(protocol::EncodeFrame(protocol::EncodeEvent(event)));
  if (!sent.ok()) spdlog::warn("event channel: {}", sent.message());
}

void BootRunner::SendHello(const protocol::Hello& hello) {
  protocol::Event event;
  event.type = protocol::EventType::kHello;
  event.hello = hello;
  Send(std::move(event));
}

void BootRunner::Record(protocol::StepResult result) {
  if (result.status == protocol::StepStatus::kFailed) {
    LogUntimed(spdlog::level::err, fmt::format("step {} failed: {}", result.name, result.reason));
  } else {
    LogUntimed(spdlog::level::info,
               fmt::format("step {}: {} ({} changes, {} us)", result.name,
                           protocol::StepStatusName(result.status), result.changes.size(),
                           result.duration_us));
  }
  protocol::Event event;
  event.type = protocol::EventType::kStep;
  event.step = result;
  results_.push_back(std::move(result));
  Send(std::move(event));
}

protocol::StepResult BootRunner::RunStep(Step& step, StepContext& context) {
  if (!started_) {
    start_us_ = clock_.NowMicros();
    started_ = true;
  }
  protocol::StepResult result;
  result.name = std::string(step.name());
  uint64_t begin = clock_.NowMicros();
  StepOutcome outcome;
  try {
    outcome = step.Run(context);
  } catch (const std::exception& error) {
    outcome.status = Status::Error(std::string("internal error: ") + error.what());
  } catch (...) {
    outcome.status = Status::Error("internal error: unknown exception");
  }
  result.duration_us = clock_.NowMicros() - begin;
  result.changes = std::move(outcome.changes);
  if (!outcome.status.ok()) {
    result.status = protocol::StepStatus::kFailed;
    result.reason = outcome.status.message();
  } else if (outcome.skipped) {
    result.status = protocol::StepStatus::kSkipped;
    result.reason = outcome.skip_reason;
  }
  Record(result);
  return result;
}

void BootRunner::RecordFailure(std::string name, std::string reason) {
  protocol::StepResult result;
  result.name = std::move(name);
  result.status = protocol::StepStatus::kFailed;
  result.reason = std::move(reason);
  Record(std::move(result));
}

protocol::Ready BootRunner::SendReady(uint64_t max_rss_kb) {
  protocol::Ready ready;
  ready.max_rss_kb = max_rss_kb;
  ready.steps = results_;
  for (const auto& step : results_) {
    if (step.status == protocol::StepStatus::kFailed) ready.ok = false;
  }
  ready.total_us = started_ ? clock_.NowMicros() - start_us_ : 0;
  protocol::Event event;
  event.type = protocol::EventType::kReady;
  event.ready = ready;
  Send(std::move(event));
  return ready;
}

void BootRunner::RecordResult(protocol::StepResult result) { Record(std::move(result)); }

void BootRunner::Resume(uint64_t next_seq, uint64_t start_us,
                        std::vector<protocol::StepResult> results) {
  next_seq_ = next_seq;
  start_us_ = start_us;
  started_ = true;
  results_ = std::move(results);
}

void BootRunner::SendFatal(const std::string& reason) {
  protocol::Event event;
  event.type = protocol::EventType::kFatal;
  event.fatal.reason = reason;
  Send(std::move(event));
}

}  // namespace umla::agent
