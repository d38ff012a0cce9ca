// The activate plan: turn on the swap and mount the hostfs entries that fstab names
// and that are not on yet, in this same boot. Pure: snapshot in, actions out.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "agent/core/mount_request.h"
#include "agent/core/proc_tables.h"
#include "agent/core/swap_devices.h"

namespace umla::agent {

struct ActivateSnapshot {
  std::string fstab_text;                 // empty when there is no fstab
  std::vector<SwapDevice> swaps;          // ubd devices holding swap
  std::vector<UbdDevice> unprobed;        // ubd devices not read (see SwapProbe)
  PresentPaths present;                   // non-ubd paths named, as for fstab
  std::vector<std::string> active_swaps;  // from /proc/swaps
  std::vector<MountEntry> mounts;         // from /proc/mounts
};

struct ActivatePlan {
  std::vector<std::string> swapon;  // canonical device nodes, e.g. /dev/ubdb
  std::vector<MountRequest> mounts;
};

// Entries with the noauto option are left to the user, as mount -a / swapon -a do.
// Swap entries that name no swap device are skipped (the fstab step reports those).
ActivatePlan PlanActivate(const ActivateSnapshot& snapshot);

// The plan lines: "+ swapon /dev/ubdb", "+ mount -t hostfs none /mnt/host -o /srv".
std::string DescribeSwapon(const std::string& device);
std::string DescribeMount(const MountRequest& request);

// mount(8)-style options to a request: "ro" sets read_only; generic options
// (defaults, rw, auto, nofail...) are dropped; the rest become the data string.
MountRequest HostfsRequest(const std::string& source, const std::string& target,
                           const std::string& options);

}  // namespace umla::agent
