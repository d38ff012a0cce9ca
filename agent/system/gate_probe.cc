#include "agent/system/gate_probe.h"

#include "agent/system/command_runner.h"

namespace umla::agent {

bool LinuxGateProbe::RunsOk(const std::vector<std::string>& argv, std::string* detail) {
  Result<int> status = RunCommandWithTimeout(argv, command_timeout_ms_);
  if (!status.ok()) {
    *detail = status.status().message();
    return false;
  }
  if (*status != 0) *detail = argv.back() + " exited with " + std::to_string(*status);
  return *status == 0;
}

bool LinuxGateProbe::Holds(const Gate& gate, std::string* detail) {
  switch (gate.kind) {
    case GateKind::kTcp: {
      uint16_t port = static_cast<uint16_t>(std::stoul(gate.target));
      for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        Result<std::string> text = files_.ReadFile(table);
        if (text.ok() && ListeningTcpPorts(*text).count(port)) return true;
      }
      *detail = "nothing listens on TCP port " + gate.target;
      return false;
    }
    case GateKind::kFile:
      if (files_.Exists(gate.target)) return true;
      *detail = gate.target + " does not exist";
      return false;
    case GateKind::kUnit: {
      // systemd 252 has no D-Bus-free way to ask for a unit's state other than
      // systemctl (the files under /run/systemd/units/ say "started", not "active").
      for (const char* systemctl : {"/usr/bin/systemctl", "/bin/systemctl"}) {
        if (!files_.Exists(systemctl)) continue;
        if (RunsOk({systemctl, "is-active", "--quiet", gate.target}, detail)) return true;
        *detail = gate.target + " is not active";
        return false;
      }
      *detail = "no systemctl in this guest";
      return false;
    }
    case GateKind::kCommand:
      return RunsOk({"/bin/sh", "-c", gate.target}, detail);
  }
  return false;
}

}  // namespace umla::agent
