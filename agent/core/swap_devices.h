// Swap devices: recognising a swap signature in a device's first page, and telling
// which swap device an fstab entry names. Pure.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/core/proc_tables.h"
#include "agent/core/ubd_names.h"

namespace umla::agent {

// mkswap writes "SWAPSPACE2" in the last 10 bytes of the first page; UML's page is 4 KiB.
inline constexpr size_t kSwapPageSize = 4096;

struct SwapSignature {
  std::string uuid;   // "0a1b2c3d-..." (lower case); empty when all zero
  std::string label;  // empty when none
};

// nullopt unless `first_page` (at least kSwapPageSize bytes) holds a v1 swap header.
std::optional<SwapSignature> ParseSwapHeader(std::string_view first_page);

struct SwapDevice {
  UbdDevice device;
  std::string path;  // the canonical node, e.g. "/dev/ubdb"
  SwapSignature signature;
};

// What probing the ubd devices found.
struct SwapProbe {
  std::vector<SwapDevice> swaps;     // the devices holding a swap signature
  std::vector<UbdDevice> unprobed;   // not read (no right node yet, a read error)
};

enum class SpecMatch {
  kSwap,     // names one of the swap devices (`index` says which)
  kMissing,  // names something that is not there, or a device without swap
  kUnknown,  // cannot be judged here (PARTUUID=, a non-ubd device...): leave it alone
};

struct SpecResolution {
  SpecMatch match = SpecMatch::kUnknown;
  size_t index = 0;
};

// What is at the paths (not ubd names) that entries name: a path that exists maps
// to its device numbers when it is a block node, to nullopt otherwise (a swap file).
using PresentPaths = std::map<std::string, std::optional<DevNumbers>>;

// `unprobed`: ubd devices whose first page could not be read (no node yet, a read
// error): whether they hold swap is not known, so an entry that may name one is not
// judged. A path absent from `present` is missing only when it names a disk of
// another kind of machine (NamesForeignDisk); a swap file or a node of another driver
// cannot be judged here.
SpecResolution ResolveSwapSpec(std::string_view spec, const std::vector<SwapDevice>& swaps,
                               const std::vector<UbdDevice>& unprobed,
                               const PresentPaths& present);

// /dev/sdX, /dev/hdX, /dev/vdX, /dev/xvdX, /dev/nvmeN..., /dev/mmcblkN...: disks of a
// PC or another hypervisor, which never appear in a UML guest (an image made
// elsewhere). Other missing paths may appear later in the boot (a swap file on a
// filesystem not mounted yet, /dev/mapper/ before LVM, zram made by a service).
bool NamesForeignDisk(std::string_view path);

}  // namespace umla::agent
