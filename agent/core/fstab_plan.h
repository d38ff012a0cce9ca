// The fstab plan: point swap entries at the device that really holds swap, add a
// swap entry when there is none, add a hostfs entry when there is none. Lines it
// does not change keep every byte. Pure: snapshot in, new text and +/- lines out.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agent/core/fstab_text.h"
#include "agent/core/proc_tables.h"
#include "agent/core/swap_devices.h"

namespace umla::agent {

struct FstabOptions {
  bool swap = true;    // fix and add swap entries
  bool hostfs = true;  // add a hostfs entry
  std::string mountpoint = "/mnt/host";
  std::string hostdir;  // empty: the host's root ("defaults")
};

struct FstabSnapshot {
  std::optional<std::string> text;  // nullopt: there is no fstab
  std::vector<SwapDevice> swaps;    // ubd devices holding a swap signature
  std::vector<UbdDevice> unprobed;  // ubd devices not read: entries naming one are left
  bool devices_known = true;        // false: no device list (an image tree): swap left
  PresentPaths present;             // the paths swap entries name that are not ubd names
  // Which of the hostfs mount points (configured and in fstab) exist as directories.
  std::set<std::string> existing_dirs;
};

struct FstabPlan {
  std::string text;                    // the new fstab
  bool changed = false;                // text differs from the snapshot's
  std::vector<std::string> changes;    // the fstab diff: "- old line", "+ new line"
  std::vector<std::string> make_dirs;  // hostfs mount points to create
  std::vector<std::string> notes;      // what was left as it is, and why ("line 3: ...")
};

// The plan line of a mount point to create: "+ /mnt/host/ d 0755".
std::string DescribeMountPoint(const std::string& dir);

// The line the hostfs options ask for, e.g. "none /mnt/host hostfs defaults 0 0".
std::string HostfsLine(const FstabOptions& options);

FstabPlan PlanFstab(const FstabSnapshot& snapshot, const FstabOptions& options);

// Mount points of the file's hostfs entries (escapes decoded): what the step checks.
std::vector<std::string> HostfsMountpoints(const FstabFile& file);

}  // namespace umla::agent
