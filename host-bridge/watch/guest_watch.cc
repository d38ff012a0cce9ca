#include "host-bridge/watch/guest_watch.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "host-bridge/watch/exit_codes.h"

namespace umla::bridge {

const char* MissingStageName(Stage reached) {
  switch (reached) {
    case Stage::kStarting: return "kernel";
    case Stage::kKernelUp: return "agent";
    case Stage::kAgentUp: return "readiness";
    case Stage::kReady: return "none";
  }
  return "unknown";
}

void GuestWatch::Say(const std::string& line) {
  if (output_.progress) output_.progress(line);
}

void GuestWatch::KernelUp(const std::string& detail) {
  if (stage_ != Stage::kStarting) return;
  stage_ = Stage::kKernelUp;
  Say("kernel up (" + SanitizeForTerminal(detail, 200) + ")");
}

void GuestWatch::Feed(std::string_view bytes) {
  reader_.Feed(bytes);
  Drain();
}

void GuestWatch::ChannelClosed() {
  reader_.Finish();
  Drain();
}

int GuestWatch::ReadyExitCode() const {
  if (fatal_) return kExitStepFailed;
  return ready_ && ready_->ok ? kExitReady : kExitStepFailed;
}

void GuestWatch::Drain() {
  while (auto line = reader_.Next()) {
    switch (line->kind) {
      case protocol::LineKind::kNoise:
        break;  // echo and other console text on the line: not ours to show
      case protocol::LineKind::kCorrupt:
      case protocol::LineKind::kOversize:
        ++corrupt_frames_;
        Say("ignored a corrupt or cut frame");
        break;
      case protocol::LineKind::kVersionMismatch:
        ++corrupt_frames_;
        Say("ignored a frame of protocol version " + std::to_string(line->version) +
            " (this bridge speaks " + std::to_string(protocol::kProtocolVersion) + ")");
        break;
      case protocol::LineKind::kFrame: {
        Result<protocol::Event> event = protocol::DecodeEvent(line->text);
        if (!event.ok()) {
          ++corrupt_frames_;
          Say("ignored an invalid event: " + SanitizeForTerminal(event.status().message()));
          break;
        }
        Accept(*event);
        break;
      }
    }
  }
}

void GuestWatch::Accept(const protocol::Event& event) {
  using protocol::EventType;
  // A hello with a new boot id starts a new sequence (the guest rebooted).
  bool new_boot = event.type == EventType::kHello && event.hello.boot_id != boot_id_;
  if (!new_boot && event.seq <= last_seq_) {
    ++dropped_frames_;
    Say("ignored a repeated or out-of-order event (seq " + std::to_string(event.seq) + ")");
    return;
  }
  if (stage_ == Stage::kReady && !new_boot) {
    ++dropped_frames_;
    return;  // the first ready of a boot is final
  }
  last_seq_ = event.seq;
  if (output_.event) {
    nlohmann::json annotated = protocol::EventToJson(event);
    if (event.wall_us != 0 && output_.wall_clock) {
      uint64_t now = output_.wall_clock();
      annotated["host_latency_us"] = now > event.wall_us ? now - event.wall_us : 0;
    }
    output_.event(annotated);
  }
  switch (event.type) {
    case EventType::kHello:
      if (new_boot && stage_ != Stage::kReady) step_failed_ = false;
      boot_id_ = event.hello.boot_id;
      if (stage_ == Stage::kStarting) stage_ = Stage::kKernelUp;
      if (stage_ != Stage::kReady) stage_ = Stage::kAgentUp;
      Say("agent " + SanitizeForTerminal(event.hello.agent_version, 40) + " up on kernel " +
          SanitizeForTerminal(event.hello.kernel, 80) + " (" +
          SanitizeForTerminal(event.hello.mode, 20) + ")");
      break;
    case EventType::kStep: {
      const auto& step = event.step;
      if (step.status == protocol::StepStatus::kFailed) step_failed_ = true;
      std::string line = "step " + SanitizeForTerminal(step.name, 40) + " " +
                         protocol::StepStatusName(step.status) + " (" +
                         std::to_string(step.changes.size()) + " changes, " +
                         std::to_string(step.duration_us) + " us)";
      if (!step.reason.empty()) line += ": " + SanitizeForTerminal(step.reason);
      Say(line);
      break;
    }
    case EventType::kReady: {
      ready_ = event.ready;
      // The guest's "ok" is a claim: a failed step in the summary or in a step event
      // of this boot makes the ready not ok (exit 1), whatever the flag says.
      bool summary_failed =
          std::any_of(ready_->steps.begin(), ready_->steps.end(), [](const auto& step) {
            return step.status == protocol::StepStatus::kFailed;
          });
      ready_->ok = ready_->ok && !summary_failed && !step_failed_;
      stage_ = Stage::kReady;
      Say(std::string("ready: ") + (ready_->ok ? "every step ok" : "SOME STEPS FAILED") +
          " (" + std::to_string(event.ready.steps.size()) + " steps, " +
          std::to_string(event.ready.total_us) + " us)");
      break;
    }
    case EventType::kFatal:
      fatal_ = event.fatal.reason;
      Say("FATAL: " + SanitizeForTerminal(event.fatal.reason));
      break;
  }
}

}  // namespace umla::bridge
