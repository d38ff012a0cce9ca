// Parsers for the kernel's text tables the storage steps read: /proc/partitions,
// /proc/swaps, /proc/mounts and sysfs `dev` files. Pure: text in, structs out.
// Lines that do not parse are skipped (these files come from the kernel, and a
// damaged line must not hide the others).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/core/block_device.h"

namespace umla::agent {

struct DevNumbers {
  uint32_t major = 0;
  uint32_t minor = 0;
};

// "98:16\n" (a sysfs `dev` file) -> {98, 16}.
std::optional<DevNumbers> ParseDevNumbers(std::string_view text);

// /proc/partitions: "major minor #blocks name" after a header line.
std::vector<BlockDeviceInfo> ParseProcPartitions(std::string_view text);

// /proc/swaps: the device (first column, octal escapes decoded) of each active swap.
std::vector<std::string> ParseProcSwaps(std::string_view text);
// The table's header line, all there is with no swap on (as the kernel prints it).
inline constexpr const char* kProcSwapsHeader = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n";

struct MountEntry {
  std::string source;
  std::string target;
  std::string type;
  std::string options;  // "" when the line has no fourth field
};
// /proc/mounts (also /etc/mtab): source, target, type and options, octal escapes decoded.
std::vector<MountEntry> ParseProcMounts(std::string_view text);
// One line of /proc/mounts for `entry` (escaped as the kernel does), ending in "\n".
std::string FormatProcMountsLine(const MountEntry& entry);

// Decodes the \040-style octal escapes the kernel and fstab use for spaces etc.
std::string DecodeOctalEscapes(std::string_view text);
// The inverse for the bytes fstab cannot hold raw: space, tab, newline, backslash.
std::string EncodeOctalEscapes(std::string_view text);

}  // namespace umla::agent
