// Readiness gates: what must hold before the agent says "ready" (default: nothing,
// ready right after the fixups). Parsing the settings, reading /proc/net/tcp and the
// waiting loop are pure; checking a gate on the system is the GateProbe's job.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "agent/core/event_sink.h"
#include "agent/core/settings.h"
#include "protocol/events.h"

namespace umla::agent {

enum class GateKind { kTcp, kFile, kUnit, kCommand };

struct Gate {
  GateKind kind;
  std::string target;  // port, path, unit name or command line
  // Name in the ready event: "gate:tcp:22", "gate:file:/run/x", "gate:unit:ssh.service",
  // "gate:command" (a command line can be long; it is in the reason when it fails).
  std::string Name() const;
};

struct GatePlan {
  std::vector<Gate> gates;
  uint64_t timeout_ms = 0;
};

// Reads ready.tcp, ready.file, ready.unit, ready.command and ready.timeout_ms. A bad
// value fails naming the key; the caller reports it as a failed "gate" result.
Result<GatePlan> ParseGates(const Settings& settings);

// The TCP ports in state LISTEN in the text of /proc/net/tcp or /proc/net/tcp6.
// Lines that do not parse are skipped (the header, truncated reads).
std::set<uint16_t> ListeningTcpPorts(std::string_view proc_net_tcp);

class GateProbe {
 public:
  virtual ~GateProbe() = default;
  // Whether the gate holds now; `detail` says why not (for the failure reason).
  virtual bool Holds(const Gate& gate, std::string* detail) = 0;
};

// Checks every gate until all hold or `plan.timeout_ms` passed, sleeping `poll_ms`
// between rounds through `sleep_ms`. One result per gate: ok with the time it took
// to hold, or failed naming what was still missing at the deadline.
std::vector<protocol::StepResult> WaitForGates(const GatePlan& plan, GateProbe& probe, Clock& clock,
                                               const std::function<void(uint64_t)>& sleep_ms,
                                               uint64_t poll_ms = 200);

}  // namespace umla::agent
