#include "agent/core/swap_devices.h"

#include <cctype>
#include <cstdio>

#include "common/strings.h"

namespace umla::agent {
namespace {

constexpr std::string_view kSwapMagic = "SWAPSPACE2";
constexpr size_t kUuidOffset = 1024 + 12;  // after bootbits, version, last_page, nr_badpages
constexpr size_t kLabelOffset = kUuidOffset + 16;

std::string FormatUuid(std::string_view bytes) {
  bool zero = true;
  for (char c : bytes) zero = zero && c == 0;
  if (zero) return "";
  std::string uuid;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) uuid += '-';
    char hex[3];
    std::snprintf(hex, sizeof hex, "%02x", static_cast<unsigned char>(bytes[i]));
    uuid += hex;
  }
  return uuid;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// UUID="x" and UUID=x are the same in fstab.
std::string Unquote(std::string_view value) {
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    value = value.substr(1, value.size() - 2);
  }
  return DecodeOctalEscapes(value);
}

SpecResolution ByUbd(const UbdDevice& device, const std::vector<SwapDevice>& swaps,
                     const std::vector<UbdDevice>& unprobed) {
  for (size_t i = 0; i < swaps.size(); ++i) {
    if (swaps[i].device == device) return {SpecMatch::kSwap, i};
  }
  for (const UbdDevice& unknown : unprobed) {
    if (unknown == device) return {};
  }
  return {SpecMatch::kMissing, 0};
}

// By UUID or label: an unprobed device may be the one that carries it.
template <typename Field>
SpecResolution ByField(const std::string& wanted, const std::vector<SwapDevice>& swaps,
                       const std::vector<UbdDevice>& unprobed, Field field) {
  for (size_t i = 0; i < swaps.size(); ++i) {
    if (!field(swaps[i]).empty() && field(swaps[i]) == wanted) return {SpecMatch::kSwap, i};
  }
  if (!unprobed.empty()) return {};
  return {SpecMatch::kMissing, 0};
}

bool HasDiskNumber(std::string_view rest) {
  return !rest.empty() && std::isdigit(static_cast<unsigned char>(rest[0]));
}

}  // namespace

std::optional<SwapSignature> ParseSwapHeader(std::string_view first_page) {
  if (first_page.size() < kSwapPageSize) return std::nullopt;
  if (first_page.substr(kSwapPageSize - kSwapMagic.size(), kSwapMagic.size()) != kSwapMagic) {
    return std::nullopt;
  }
  SwapSignature signature;
  signature.uuid = FormatUuid(first_page.substr(kUuidOffset, 16));
  std::string_view label = first_page.substr(kLabelOffset, 16);
  signature.label = std::string(label.substr(0, label.find('\0')));
  return signature;
}

bool NamesForeignDisk(std::string_view path) {
  if (!StartsWith(path, "/dev/")) return false;
  std::string_view name = path.substr(5);
  for (std::string_view prefix : {"sd", "hd", "vd", "xvd"}) {
    if (StartsWith(name, prefix) && name.size() > prefix.size() &&
        std::islower(static_cast<unsigned char>(name[prefix.size()]))) {
      return true;
    }
  }
  for (std::string_view prefix : {"nvme", "mmcblk"}) {
    if (StartsWith(name, prefix) && HasDiskNumber(name.substr(prefix.size()))) return true;
  }
  return false;
}

SpecResolution ResolveSwapSpec(std::string_view spec, const std::vector<SwapDevice>& swaps,
                               const std::vector<UbdDevice>& unprobed,
                               const PresentPaths& present) {
  auto uuid_of = [](const SwapDevice& swap) -> const std::string& { return swap.signature.uuid; };
  auto label_of = [](const SwapDevice& swap) -> const std::string& { return swap.signature.label; };
  if (StartsWith(spec, "UUID=")) {
    return ByField(Lower(Unquote(spec.substr(5))), swaps, unprobed, uuid_of);
  }
  if (StartsWith(spec, "LABEL=")) return ByField(Unquote(spec.substr(6)), swaps, unprobed, label_of);
  if (StartsWith(spec, "/dev/disk/by-uuid/")) {
    return ByField(Lower(DecodeOctalEscapes(spec.substr(18))), swaps, unprobed, uuid_of);
  }
  if (StartsWith(spec, "/dev/disk/by-label/")) {
    return ByField(DecodeOctalEscapes(spec.substr(19)), swaps, unprobed, label_of);
  }
  if (spec.empty() || spec[0] != '/') return {};  // PARTUUID=, ID=, ...: not judged
  // ubd names are judged by the kernel's numbering: the devnodes step makes them right.
  if (std::optional<UbdDevice> ubd = ParseUbdPath(spec)) return ByUbd(*ubd, swaps, unprobed);
  std::string path = DecodeOctalEscapes(spec);
  auto node = present.find(path);
  if (node == present.end()) {
    return NamesForeignDisk(path) ? SpecResolution{SpecMatch::kMissing, 0} : SpecResolution{};
  }
  if (!node->second || node->second->major != kUbdMajor) return {};
  return ByUbd(UbdFromMinor(node->second->minor), swaps, unprobed);
}

}  // namespace umla::agent
