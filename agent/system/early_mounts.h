// What the PID-1 wrapper mounts before any step runs, the way an initramfs would:
// /proc, /sys, /dev (devtmpfs) and /run (tmpfs) when they are not mounted yet. The
// real init accepts them already mounted (systemd, sysvinit's mountkernfs and
// busybox all check first), and /run must be the tmpfs init keeps, so the state the
// fixups leave in /run/uml-agent survives until `uml-agent ready`.
#pragma once

#include <string>
#include <vector>

namespace umla::agent {

// Mounts what is missing; returns one line per problem (empty: all fine). Never fails
// the boot: a missing /sys only means the steps that need it will say so.
std::vector<std::string> MountEarlyFilesystems();

}  // namespace umla::agent
