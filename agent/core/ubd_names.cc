#include "agent/core/ubd_names.h"

#include "common/strings.h"

namespace umla::agent {

UbdDevice UbdFromMinor(uint32_t minor) {
  return {minor / kUbdMinorsPerDisk, minor % kUbdMinorsPerDisk};
}

uint32_t UbdMinor(const UbdDevice& device) { return device.disk * kUbdMinorsPerDisk + device.part; }

std::string UbdLetters(uint32_t disk) {
  std::string letters;
  uint64_t n = uint64_t{disk} + 1;  // bijective base 26: a..z, aa..
  while (n > 0) {
    letters.insert(letters.begin(), static_cast<char>('a' + (n - 1) % 26));
    n = (n - 1) / 26;
  }
  return letters;
}

std::string UbdCanonicalPath(const UbdDevice& device) {
  std::string path = "/dev/ubd" + UbdLetters(device.disk);
  if (device.part != 0) path += std::to_string(device.part);
  return path;
}

std::vector<std::string> UbdLegacyPaths(uint32_t disk) {
  return {"/dev/ubd/" + std::to_string(disk), "/dev/ubd" + std::to_string(disk)};
}

std::optional<UbdDevice> ParseUbdPath(std::string_view path) {
  constexpr uint32_t kMaxDisk = 1u << 20;  // keeps the minor arithmetic far from overflow
  if (StartsWith(path, "/dev/ubd/")) {
    auto disk = ParseUnsigned(path.substr(9), kMaxDisk);
    if (!disk) return std::nullopt;
    return UbdDevice{static_cast<uint32_t>(*disk), 0};
  }
  if (!StartsWith(path, "/dev/ubd")) return std::nullopt;
  std::string_view rest = path.substr(8);
  if (auto disk = ParseUnsigned(rest, kMaxDisk)) return UbdDevice{static_cast<uint32_t>(*disk), 0};
  size_t letters = 0;
  while (letters < rest.size() && letters < 4 && rest[letters] >= 'a' && rest[letters] <= 'z')
    ++letters;
  if (letters == 0) return std::nullopt;
  uint64_t disk = 0;
  for (size_t i = 0; i < letters; ++i) disk = disk * 26 + static_cast<uint64_t>(rest[i] - 'a' + 1);
  UbdDevice device{static_cast<uint32_t>(disk - 1), 0};
  std::string_view digits = rest.substr(letters);
  if (digits.empty()) return device;
  if (digits[0] == '0') return std::nullopt;  // "ubdb0" is no name the kernel uses
  auto part = ParseUnsigned(digits, kUbdMinorsPerDisk - 1);
  if (!part) return std::nullopt;
  device.part = static_cast<uint32_t>(*part);
  return device;
}

}  // namespace umla::agent
