// Persistent tap devices through /dev/net/tun (TUNSETIFF, TUNSETOWNER, TUNSETPERSIST):
// the device outlives this process so that a UML kernel started later, possibly by
// USER, can attach to it (eth0=tuntap,TAP).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "common/status.h"

namespace umla::bridge {

// Creates tap `name` (IFF_TAP | IFF_NO_PI), owned by `owner` when given, and marks
// it persistent. `name` must be an interface name (IsInterfaceName, common/net_config.h):
// the caller checks, as net-setup does with its options (CheckNetSetupOptions).
// Fails naming the device and the ioctl.
Status CreatePersistentTap(const std::string& name, std::optional<uid_t> owner);

}  // namespace umla::bridge
