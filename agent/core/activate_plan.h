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
  std::string fstab_path;                 // named in problems
  std::string fstab_text;                 // empty when there is no fstab
  std::vector<SwapDevice> swaps;          // ubd devices holding swap
  std::vector<UbdDevice> unprobed;        // ubd devices not read (see SwapProbe)
  PresentPaths present;                   // non-ubd paths named, as for fstab
  std::vector<std::string> active_swaps;  // from /proc/swaps
  std::vector<MountEntry> mounts;         // from /proc/mounts
};

struct ActivatePlan {
  std::vector<SwapRequest> swapon;
  std::vector<MountRequest> mounts;
  std::vector<std::string> problems;  // fstab options not understood: named, then left out
};

// Entries with the noauto option are left to the user, as mount -a / swapon -a do.
// Swap entries that name no swap device are skipped (the fstab step reports those).
ActivatePlan PlanActivate(const ActivateSnapshot& snapshot);

// The plan lines: "+ swapon /dev/ubdb -p 5 --discard=once",
// "+ mount -t hostfs none /mnt/host -o /srv".
std::string DescribeSwapon(const SwapRequest& request);
std::string DescribeMount(const MountRequest& request);

// The flags swapon(2) takes for `request`, as swapon(8) computes them.
int SwapFlags(const SwapRequest& request);

// A swap entry's options (the fourth fstab field) to a request, as swapon -a reads
// them: pri=N (0-32767, or -1 for the kernel's own), discard, discard=once|pages; the
// others (defaults, sw, nofail...) change nothing. A value it cannot take is left out
// and named in `problems` (with `where`, e.g. "/etc/fstab:3"): the swap still
// goes on.
SwapRequest SwapOnRequest(const std::string& device, const std::string& options,
                          const std::string& where, std::vector<std::string>* problems);

// mount(8)-style options to a request: "ro" sets read_only; generic options
// (defaults, rw, auto, nofail...) are dropped; the rest become the data string.
MountRequest HostfsRequest(const std::string& source, const std::string& target,
                           const std::string& options);

}  // namespace umla::agent
