// Checks readiness gates on the running guest: TCP listeners from /proc/net/tcp{,6}
// and files through the FileSystem seam; systemd units and the user's command by
// running a program (bounded by the gate timeout, see command_runner.h).
#pragma once

#include <cstdint>

#include "agent/core/ready_gates.h"
#include "agent/system/file_system.h"

namespace umla::agent {

class LinuxGateProbe : public GateProbe {
 public:
  LinuxGateProbe(FileSystem& files, uint64_t command_timeout_ms)
      : files_(files), command_timeout_ms_(command_timeout_ms) {}
  bool Holds(const Gate& gate, std::string* detail) override;

 private:
  bool RunsOk(const std::vector<std::string>& argv, std::string* detail);
  FileSystem& files_;
  uint64_t command_timeout_ms_;
};

}  // namespace umla::agent
