// The checks the classic UML start script did by hand before starting a kernel: the
// ubd files exist and can be written, the root image's filesystem is clean (e2fsck),
// no running guest writes the same files, and the directory UML maps guest memory in
// is a tmpfs with room for every guest's mem=. Everything goes through HostProbe.
#pragma once

#include <string>
#include <vector>

#include "host-bridge/preflight/host_probe.h"

namespace umla::bridge {

enum class Severity { kNote, kWarning, kError };

struct Finding {
  Severity severity;
  std::string message;  // one line, or several when it quotes e2fsck
};

struct PreflightReport {
  std::vector<Finding> findings;
  // True when the kernel must not be started: an error, or a warning under --strict.
  bool Refused(bool strict) const;
};

// Checks a kernel command line (the one `run` will start, after --cow) on `host`.
// Runs e2fsck on the root image: `-p` for a plain image that no running guest uses,
// `-n` (read-only) for a backing file or a read-only (ubdNr) image, and not at all for
// a backing file running guests already share (it cannot have changed since).
PreflightReport RunPreflight(const std::vector<std::string>& kernel_args, HostProbe& host);

// Where UML creates its memory file: $TMPDIR, $TMP or $TEMP, else /dev/shm when it is
// a tmpfs, else /tmp (arch/um/os-Linux/mem.c, "Checking if /dev/shm is on tmpfs").
std::string GuestMemoryDir(HostProbe& host);

}  // namespace umla::bridge
