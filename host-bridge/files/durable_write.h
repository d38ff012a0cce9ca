// Replacing a file on the host so that a crash leaves the old content or the new one,
// never a mix: the one way bake (in a root directory) and net-setup (its record) do it.
// Everything goes through a descriptor of the file's directory, so a caller that
// opened that directory without following links out of somewhere keeps that guarantee.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "common/status.h"

namespace umla::bridge {

// The name a new `name` is written under, beside it, before it takes its place:
// NAME.uml-bridge.tmp. Fixed, not random: one left by a killed run is found (and
// replaced) by the next write of the same file instead of piling up. Appends only,
// so it serves a whole path as well ("/etc/x" -> "/etc/x.uml-bridge.tmp").
std::string DurableTempName(const std::string& name);

enum class DirectorySync {
  kNow,         // fsync the directory after the rename: the replace is durable on return
  kLeftToCaller,  // the caller syncs later (bake: one syncfs for the whole tree)
};

// Replaces entry `name` (one component, never followed) of the directory open as
// `dir_fd` with `data`, mode `mode` & 07777: written to DurableTempName(name) in that
// directory (created with O_EXCL | O_NOFOLLOW after RemoveLeftoverTemp), fsynced,
// renamed over `name`, and the directory fsynced per `sync`. On failure `name` is as
// it was and the temp file is gone. Messages name the files as `shown_dir` + "/" +
// name: the path the caller knows the directory by (the descriptor is what is used).
Status WriteFileDurably(int dir_fd, const std::string& shown_dir, const std::string& name,
                        std::string_view data, mode_t mode,
                        DirectorySync sync = DirectorySync::kNow);

// Removes entry `temp` of the directory open as `dir_fd` when it is a file or a link
// (the link itself, never what it points to): one an interrupted write left, or one
// planted there. Nothing there is fine; anything else (a directory, a FIFO, a device)
// is an error naming `shown`, since it is nobody's leftover to remove.
Status RemoveLeftoverTemp(int dir_fd, const std::string& temp, const std::string& shown);

}  // namespace umla::bridge
