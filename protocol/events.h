// The events an agent sends, as typed structs, and their JSON form.
// Encoding is for the guest; decoding is for the host and treats the JSON as
// untrusted: wrong types, missing fields and oversized arrays are errors, never throws.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/status.h"

namespace umla::protocol {

enum class StepStatus { kOk, kFailed, kSkipped };
const char* StepStatusName(StepStatus status);

struct StepResult {
  std::string name;
  StepStatus status = StepStatus::kOk;
  std::string reason;                // why it failed or was skipped; empty when ok
  std::vector<std::string> changes;  // what it changed, one line each ("+ /dev/ubdb b 98:16")
  uint64_t duration_us = 0;          // monotonic clock
};

struct Hello {
  std::string agent_version;
  std::string kernel;   // uname -r of the guest
  std::string boot_id;  // /proc/sys/kernel/random/boot_id
  std::string mode;     // "boot" (init script) or "init" (PID-1 wrapper)
  uint64_t since_boot_us = 0;  // CLOCK_BOOTTIME when the agent started: kernel start -> agent
};

struct Ready {
  bool ok = true;  // every step ok or skipped
  std::vector<StepResult> steps;
  uint64_t total_us = 0;
  uint64_t max_rss_kb = 0;  // the agent's peak resident memory (0: not measured)
};

struct Fatal {
  std::string reason;
};

enum class EventType { kHello, kStep, kReady, kFatal };

struct Event {
  EventType type = EventType::kHello;
  uint64_t seq = 0;  // 1, 2, 3... per boot; the host drops repeats and reordering
  // CLOCK_REALTIME when sent (0: not given). A UML guest's clock is set from the host's
  // at boot (off by up to a few ms), so the host can tell roughly how long an event
  // took to reach it.
  uint64_t wall_us = 0;
  Hello hello;       // for kHello
  StepResult step;   // for kStep
  Ready ready;       // for kReady
  Fatal fatal;       // for kFatal
};

// Caps the decoder applies to untrusted input.
inline constexpr size_t kMaxSteps = 64;
inline constexpr size_t kMaxChanges = 256;
inline constexpr size_t kMaxStringField = 1024;

std::string EncodeEvent(const Event& event);  // compact JSON, no newline
Result<Event> DecodeEvent(const std::string& json_text);
nlohmann::json EventToJson(const Event& event);
// JSON text of `value`; bytes that are not UTF-8 (guest text: a file's line, an error
// quoting one) become U+FFFD instead of an exception. indent < 0: compact.
std::string JsonText(const nlohmann::json& value, int indent = -1);

// A hello, a step and a ready as large as a first boot's (seq 1, 2, 3; wall_us as
// given): run through an encoder or decoder before the first real event, so that the
// first real one does not pay for that code's first run (inside UML, a host round
// trip a page).
std::vector<Event> WarmUpEvents(uint64_t wall_us);

}  // namespace umla::protocol
