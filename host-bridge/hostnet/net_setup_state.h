// What `net-setup` created, so that `net-setup --down` removes exactly that and
// nothing the host had before. Kept as JSON under /run/uml-bridge/ (gone at reboot,
// as the devices are), one file per network namespace and bridge. Pure.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "host-bridge/hostnet/uplink_config.h"

namespace umla::bridge {

inline constexpr const char* kNetSetupStateDir = "/run/uml-bridge";

struct NetSetupState {
  std::string bridge;
  std::string tap;
  bool created_bridge = false;
  bool created_tap = false;
  std::string uplink;          // set only when net-setup made it a port of the bridge
  bool uplink_was_down = false;  // net-setup set it up; --down sets it down again
  UplinkConfig moved;          // what net-setup moved from the uplink to the bridge
  // The index the kernel gave each device net-setup created: --down deletes a device
  // only while its name still has that index (and its kind), since one made later
  // under the same name is someone else's. 0: not known (a record written before
  // indexes were kept): --down leaves that device and says so.
  int bridge_ifindex = 0;
  int tap_ifindex = 0;
};

std::string NetSetupStateToJson(const NetSetupState& state);
// Fails naming `source` (and the key) when the text is not a state file of ours.
Result<NetSetupState> NetSetupStateFromJson(std::string_view text, const std::string& source);
// "net-setup.<netns inode>.<bridge>.json", in kNetSetupStateDir: bridges of the same
// name in different namespaces (tests, containers) keep separate records. `bridge`
// must be an interface name (IsInterfaceName): the caller checks.
std::string NetSetupStateFileName(unsigned long netns_inode, const std::string& bridge);

}  // namespace umla::bridge
