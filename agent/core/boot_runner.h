// Runs the boot steps in order, times each on the monotonic clock (from the moment the
// event before it describes to the step's end), sends a step event after each and the
// ready event at the end. A step that fails or throws is recorded
// as failed with its reason; the next step runs regardless.
#pragma once

#include <memory>
#include <vector>

#include "agent/core/event_sink.h"
#include "agent/core/step.h"
#include "protocol/events.h"

namespace umla::agent {

class BootRunner {
 public:
  // Encodes protocol::WarmUpEvents, unsent: an encoding's first run touches code and
  // data for the first time (a host round trip a page inside UML), which would
  // otherwise fall between the first events' stamps and their writes.
  BootRunner(EventSink& sink, Clock& clock);

  void SendHello(const protocol::Hello& hello);
  protocol::StepResult RunStep(Step& step, StepContext& context);
  // Records a step that could not even start (e.g. its settings did not load).
  void RecordFailure(std::string name, std::string reason);
  // Sends the ready event summarising every step so far and returns it.
  protocol::Ready SendReady(uint64_t max_rss_kb = 0);
  void SendFatal(const std::string& reason);
  // Records a result computed elsewhere (a readiness gate) and sends its step event.
  void RecordResult(protocol::StepResult result);

  // Continues a boot another process started (see boot_state.h): the next event gets
  // `next_seq`, totals count from `start_us`, and `results` are already recorded.
  void Resume(uint64_t next_seq, uint64_t start_us, std::vector<protocol::StepResult> results);
  uint64_t next_seq() const { return next_seq_; }
  uint64_t start_us() const { return start_us_; }

  const std::vector<protocol::StepResult>& results() const { return results_; }

 private:
  // The monotonic time; the first call also starts the run's clock (start_us_), and
  // the first and any a second or more after the last reads the realtime clock's offset.
  uint64_t Now();
  // Numbers and sends an event that describes the moment `at_us` (monotonic).
  void Send(protocol::Event event, uint64_t at_us);
  void Record(protocol::StepResult result, uint64_t at_us);

  EventSink& sink_;
  Clock& clock_;
  uint64_t next_seq_ = 1;
  uint64_t start_us_ = 0;
  uint64_t last_event_us_ = 0;  // the moment the last event sent describes (monotonic)
  int64_t wall_offset_us_ = 0;  // CLOCK_REALTIME minus CLOCK_MONOTONIC
  uint64_t offset_read_us_ = 0;  // when wall_offset_us_ was read (monotonic)
  static constexpr uint64_t kOffsetLifetimeUs = 1000000;
  bool started_ = false;
  std::vector<protocol::StepResult> results_;
};

}  // namespace umla::agent
