#include "common/ipv4.h"

#include "common/strings.h"

namespace umla {
namespace {

// Decimal as written by people and by FormatIpv4: "0" alone, otherwise no leading zero.
std::optional<uint64_t> ParseDecimalField(std::string_view field, size_t max_digits, uint64_t max) {
  if (field.empty() || field.size() > max_digits) return std::nullopt;
  if (field.size() > 1 && field[0] == '0') return std::nullopt;
  return ParseUnsigned(field, max);
}

}  // namespace

std::optional<Ipv4> ParseIpv4(std::string_view text) {
  auto fields = Split(text, '.');
  if (fields.size() != 4) return std::nullopt;
  Ipv4 address = 0;
  for (std::string_view field : fields) {
    auto value = ParseDecimalField(field, 3, 255);
    if (!value) return std::nullopt;
    address = (address << 8) | static_cast<Ipv4>(*value);
  }
  return address;
}

std::string FormatIpv4(Ipv4 address) {
  return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 255) + "." +
         std::to_string((address >> 8) & 255) + "." + std::to_string(address & 255);
}

std::optional<Ipv4Prefix> ParseIpv4Prefix(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto address = ParseIpv4(text.substr(0, slash));
  std::string_view length_text = text.substr(slash + 1);
  auto length = ParseDecimalField(length_text, 2, 32);
  if (!address || !length) return std::nullopt;
  return Ipv4Prefix{*address, static_cast<int>(*length)};
}

std::string LeadingZeroNote(std::string_view text) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find_first_of("./@, \t", start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view field = text.substr(start, end - start);
    if (field.size() > 1 && field[0] == '0' && ParseUnsigned(field)) {
      return "; \"" + std::string(field) + "\" has a leading zero, which inet_aton and ip read as octal";
    }
    start = end + 1;
  }
  return "";
}

std::string FormatIpv4Prefix(const Ipv4Prefix& prefix) {
  return FormatIpv4(prefix.address) + "/" + std::to_string(prefix.length);
}

Ipv4 Netmask(int length) {
  if (length <= 0) return 0;
  if (length >= 32) return 0xFFFFFFFFu;
  return ~((1u << (32 - length)) - 1);
}

Ipv4 NetworkOf(const Ipv4Prefix& prefix) { return prefix.address & Netmask(prefix.length); }

Ipv4 BroadcastOf(const Ipv4Prefix& prefix) { return prefix.address | ~Netmask(prefix.length); }

Ipv4 DefaultBroadcastOf(const Ipv4Prefix& prefix) {
  return prefix.length >= 31 ? 0 : BroadcastOf(prefix);
}

bool IsNetworkOrBroadcast(const Ipv4Prefix& prefix, Ipv4 address) {
  Ipv4 broadcast = DefaultBroadcastOf(prefix);  // 0 on a /31 or /32: they have neither
  return broadcast != 0 && (address == NetworkOf(prefix) || address == broadcast);
}

bool InSubnet(const Ipv4Prefix& prefix, Ipv4 address) {
  return (address & Netmask(prefix.length)) == NetworkOf(prefix);
}

}  // namespace umla
