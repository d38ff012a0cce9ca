// Moving an uplink's IPv4 configuration (uplink_config.h) from one link to another:
// `net-setup --uplink` moves it to the bridge, `--down` back.
#pragma once

#include <ostream>
#include <string>

#include "common/status.h"
#include "host-bridge/hostnet/host_links.h"
#include "host-bridge/hostnet/uplink_config.h"

namespace umla::bridge {

// Moves `config` from link `from` to link `to`, make before break: every address is
// added to `to` and every route replaced through `to` before any address leaves `from`
// (the last to leave takes `from`'s routes along), the newest address first (a primary
// leaving first would take its secondaries along). What is in place already is left
// alone and not reported, so running it again finishes a move that stopped midway,
// and a finished move changes nothing. One line per change on `out`; stops at the
// first failure, naming it. A `from` that is gone is fine (nothing to take off it).
Status MoveUplinkConfig(HostLinks& links, const std::string& from, const std::string& to,
                        const UplinkConfig& config, std::ostream& out);

// The link called `name`, looked up afresh (indexes and masters change as we go);
// fails naming it when there is none.
Result<netlink::LinkInfo> LinkNamed(HostLinks& links, const std::string& name);

}  // namespace umla::bridge
