#include "agent/core/ready_gates.h"

#include "common/strings.h"

namespace umla::agent {

std::string Gate::Name() const {
  switch (kind) {
    case GateKind::kTcp:
      return "gate:tcp:" + target;
    case GateKind::kFile:
      return "gate:file:" + target;
    case GateKind::kUnit:
      return "gate:unit:" + target;
    case GateKind::kCommand:
      return "gate:command";
  }
  return "gate";
}

namespace {

// A comma-separated list setting; empty entries are ignored.
std::vector<std::string> ListSetting(const Settings& settings, const std::string& key) {
  std::vector<std::string> items;
  auto setting = settings.Get(key);
  if (!setting) return items;
  for (std::string_view item : Split(setting->value, ',')) {
    item = Trim(item);
    if (!item.empty()) items.emplace_back(item);
  }
  return items;
}

bool ValidUnitName(std::string_view name) {
  if (name.empty() || name.size() > 256 || name.find('.') == std::string_view::npos) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == '@' || c == ':' || c == '\\';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<GatePlan> ParseGates(const Settings& settings) {
  GatePlan plan;
  Result<uint64_t> timeout = settings.Unsigned("ready.timeout_ms", 60000, 3600000);
  if (!timeout.ok()) return timeout.status();
  plan.timeout_ms = *timeout;
  for (const std::string& port : ListSetting(settings, "ready.tcp")) {
    auto number = ParseUnsigned(port, 65535);
    if (!number || *number == 0) {
      return Status::Error("setting ready.tcp: \"" + SanitizeForTerminal(port, 64) +
                           "\" is not a TCP port (1-65535)");
    }
    plan.gates.push_back({GateKind::kTcp, std::to_string(*number)});
  }
  for (const std::string& path : ListSetting(settings, "ready.file")) {
    if (path[0] != '/') {
      return Status::Error("setting ready.file: \"" + SanitizeForTerminal(path, 128) +
                           "\" is not an absolute path");
    }
    plan.gates.push_back({GateKind::kFile, path});
  }
  for (const std::string& unit : ListSetting(settings, "ready.unit")) {
    if (!ValidUnitName(unit)) {
      return Status::Error("setting ready.unit: \"" + SanitizeForTerminal(unit, 128) +
                           "\" is not a systemd unit name (e.g. ssh.service)");
    }
    plan.gates.push_back({GateKind::kUnit, unit});
  }
  // One command, run by /bin/sh -c: a comma may be part of it, so it is not a list.
  auto command = settings.Get("ready.command");
  if (command && !Trim(command->value).empty()) {
    plan.gates.push_back({GateKind::kCommand, std::string(Trim(command->value))});
  }
  return plan;
}

std::set<uint16_t> ListeningTcpPorts(std::string_view proc_net_tcp) {
  // "  0: 00000000:0016 00000000:0000 0A ..." : local address:port (hex), remote, state.
  constexpr std::string_view kListen = "0A";
  std::set<uint16_t> ports;
  for (std::string_view line : Split(proc_net_tcp, '\n')) {
    std::vector<std::string_view> fields = SplitWhitespace(line);
    if (fields.size() < 4 || fields[3] != kListen) continue;
    std::string_view local = fields[1];
    size_t colon = local.rfind(':');
    if (colon == std::string_view::npos || local.size() - colon - 1 != 4) continue;
    uint32_t port = 0;
    bool ok = true;
    for (char c : local.substr(colon + 1)) {
      int digit = (c >= '0' && c <= '9')   ? c - '0'
                  : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                  : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                                           : -1;
      ok = ok && digit >= 0;
      port = port * 16 + static_cast<uint32_t>(digit < 0 ? 0 : digit);
    }
    if (ok) ports.insert(static_cast<uint16_t>(port));
  }
  return ports;
}

std::vector<protocol::StepResult> WaitForGates(const GatePlan& plan, GateProbe& probe, Clock& clock,
                                               const std::function<void(uint64_t)>& sleep_ms,
                                               uint64_t poll_ms) {
  uint64_t begin = clock.NowMicros();
  uint64_t deadline = begin + plan.timeout_ms * 1000;
  std::vector<bool> held(plan.gates.size(), false);
  std::vector<protocol::StepResult> results(plan.gates.size());
  std::vector<std::string> details(plan.gates.size());
  for (size_t i = 0; i < plan.gates.size(); ++i) results[i].name = plan.gates[i].Name();
  while (true) {
    size_t pending = 0;
    for (size_t i = 0; i < plan.gates.size(); ++i) {
      if (held[i]) continue;
      details[i].clear();
      held[i] = probe.Holds(plan.gates[i], &details[i]);
      if (held[i])
        results[i].duration_us = clock.NowMicros() - begin;
      else
        ++pending;
    }
    if (pending == 0 || clock.NowMicros() >= deadline) break;
    sleep_ms(poll_ms);
  }
  for (size_t i = 0; i < plan.gates.size(); ++i) {
    if (held[i]) continue;
    results[i].status = protocol::StepStatus::kFailed;
    results[i].duration_us = clock.NowMicros() - begin;
    results[i].reason = "did not hold within " + std::to_string(plan.timeout_ms) + " ms" +
                        (details[i].empty() ? "" : ": " + details[i]);
  }
  return results;
}

}  // namespace umla::agent
