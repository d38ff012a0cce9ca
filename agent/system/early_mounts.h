// What the PID-1 wrapper mounts before any step runs, the way an initramfs would:
// /proc, /sys, /dev (devtmpfs) and /run (tmpfs) when they are not mounted yet. The
// real init accepts them already mounted (systemd, sysvinit's mountkernfs and
// busybox all check first), and /run must be the tmpfs init keeps, so the state the
// fixups leave in /run/uml-agent survives until `uml-agent ready`.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace umla::agent {

// Mounts what is missing; returns one line per problem (empty: all fine). Never fails
// the boot: a missing /sys only means the steps that need it will say so.
// With `kernel_interfaces_only` just /proc and /sys (what the steps read): an init
// script that runs before the init mounted them (busybox's sysinit line) needs those,
// while /dev and /run stay the init's business.
// `table`, when given, gets the text of /proc/self/mounts as read, if nothing was
// mounted after reading it (so the caller need not read it again).
std::vector<std::string> MountEarlyFilesystems(bool kernel_interfaces_only = false,
                                               std::optional<std::string>* table = nullptr);

// The kernel mounts the root read-only when booted with `ro` (the init remounts it
// later, after fsck). The fixups must write, so the wrapper makes it writable for
// them and puts it back before the real init runs. Returns whether it changed
// anything (only then RestoreRootReadOnly does something); problems go to `problems`.
bool MakeRootWritable(std::vector<std::string>* problems);
void RestoreRootReadOnly(std::vector<std::string>* problems);

}  // namespace umla::agent
