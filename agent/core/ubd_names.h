// How UML's ubd block devices are numbered and named. Disk N is block major 98,
// minor 16*N; partition p of disk N is minor 16*N+p. devtmpfs names them ubda,
// ubdb, ubdb1...; old images name whole disks /dev/ubd/N (devfs style) or /dev/ubdN.
// Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace umla::agent {

inline constexpr uint32_t kUbdMajor = 98;
inline constexpr uint32_t kUbdMinorsPerDisk = 16;

struct UbdDevice {
  uint32_t disk = 0;
  uint32_t part = 0;  // 0: the whole disk
  bool operator==(const UbdDevice& other) const { return disk == other.disk && part == other.part; }
};

UbdDevice UbdFromMinor(uint32_t minor);
uint32_t UbdMinor(const UbdDevice& device);
// "a" for disk 0, ..., "z", "aa", "ab"... (the sd-style sequence past 26).
std::string UbdLetters(uint32_t disk);
// "/dev/ubdb" for disk 1, "/dev/ubdb2" for its partition 2: the devtmpfs name.
std::string UbdCanonicalPath(const UbdDevice& device);
// The legacy names of a whole disk: "/dev/ubd/N" and "/dev/ubdN".
std::vector<std::string> UbdLegacyPaths(uint32_t disk);
// Which ubd device a path names by the conventions above (canonical or legacy);
// nullopt for any other path.
std::optional<UbdDevice> ParseUbdPath(std::string_view path);

}  // namespace umla::agent
