// What one boot's agent runs have done so far, kept between the processes of one boot
// (/run/uml-agent/state.json until ready is sent, then the report): the PID-1 wrapper
// or an early init script runs the fixups and a late one (`uml-agent ready`) sends
// ready, continuing the same event sequence, so the host sees one hello, the steps and
// one ready. Pure: text in and out.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "protocol/events.h"

namespace umla::agent {

struct BootState {
  protocol::Hello hello;
  uint64_t next_seq = 1;     // the next event's sequence number
  uint64_t start_us = 0;     // monotonic clock when the first event went out
  std::string running_step;  // set while a step runs: a crash is blamed on it
  bool ready_sent = false;
  std::vector<protocol::StepResult> steps;
};

std::string RenderBootState(const BootState& state);
// Fails naming `source` when the text is not a state this agent wrote.
Result<BootState> ParseBootState(std::string_view text, const std::string& source);

// A run that sent ready keeps its report (/run/uml-agent/last-run.json: the ready
// event, the run's hello and start_us) instead of a state: as a state, its boot (the
// hello) and start with ready sent, nothing else. Fails naming `source` when the text
// is no such report.
Result<BootState> ParseReportAsBootState(std::string_view report, const std::string& source);

// The progress log of a guarded run (agent/system/progress_board.h), one record per
// line: every frame the run sent, exactly as sent; "start <us>" once its first event
// went out (the monotonic start of total_us); "run <step>" before each step and
// before the directory sync, as "run sync" ("run " alone: none is running).
std::string ProgressStartRecord(uint64_t start_us);
std::string ProgressRunRecord(std::string_view step);
// The state such a log describes: hello and the steps from the frames, the next
// sequence number after the last one, ready_sent when a ready went out, and the step
// started but never reported as `running_step`. Fails when there is no hello.
Result<BootState> ParseProgressLog(std::string_view log);

inline constexpr const char* kStatePath = "/run/uml-agent/state.json";
inline constexpr const char* kReportPath = "/run/uml-agent/last-run.json";

}  // namespace umla::agent
