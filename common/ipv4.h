// IPv4 addresses and prefixes as plain values (host byte order), with strict parsing
// and formatting. Pure; shared by the host's planner and the guest's network step.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace umla {

using Ipv4 = uint32_t;  // host byte order: 192.0.2.1 is 0xC0000201

// Dotted quad, exactly four decimal fields 0..255; nullopt otherwise. A field with a
// leading zero ("02", "010") is refused: inet_aton and `ip` read it as octal (010 is 8),
// so the address would mean one thing here and another to the tools around it.
std::optional<Ipv4> ParseIpv4(std::string_view text);
std::string FormatIpv4(Ipv4 address);

struct Ipv4Prefix {
  Ipv4 address = 0;
  int length = 0;  // 0..32
  bool operator==(const Ipv4Prefix& other) const {
    return address == other.address && length == other.length;
  }
};

// "ADDR/LEN" with LEN 0..32 (no leading zero either: `ip` reads "/024" as octal);
// nullopt otherwise. The address keeps its host bits.
std::optional<Ipv4Prefix> ParseIpv4Prefix(std::string_view text);
// For messages about text the parsers above refused: "; \"02\" has a leading zero, which
// inet_aton and ip read as octal" for the first such number in `text` (any field between
// . / @ , or blanks), empty when there is none.
std::string LeadingZeroNote(std::string_view text);
std::string FormatIpv4Prefix(const Ipv4Prefix& prefix);

Ipv4 Netmask(int length);
Ipv4 NetworkOf(const Ipv4Prefix& prefix);    // host bits cleared
Ipv4 BroadcastOf(const Ipv4Prefix& prefix);  // host bits set
// The broadcast an address of `prefix` gets by default: BroadcastOf, but none (0) on a
// /31 (point to point, RFC 3021: both addresses are hosts) or a /32.
Ipv4 DefaultBroadcastOf(const Ipv4Prefix& prefix);
// Whether `address` is the network or the broadcast address of `prefix`'s subnet (which
// the kernel refuses as a next hop); a /31 or /32 has neither.
bool IsNetworkOrBroadcast(const Ipv4Prefix& prefix, Ipv4 address);
// Whether `address` lies in the subnet of `prefix`.
bool InSubnet(const Ipv4Prefix& prefix, Ipv4 address);

}  // namespace umla
