// What `uml-bridge net-setup` changes on the host, through HostLinks (the seam the
// unit tests fake). No separate plan: each change depends on the kernel's answer to
// the one before (a new link's index, a port's master).
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "common/status.h"
#include "host-bridge/hostnet/host_links.h"
#include "host-bridge/hostnet/net_setup_state.h"

namespace umla::bridge {

struct NetSetupRequest {
  std::string bridge;
  std::string tap;
  std::optional<uid_t> owner;  // of a tap created now; nullopt: root only
  std::string uplink;          // empty: none
};

// Makes `state` the record on disk (the real one is NetSetupStateFile::Save).
using SaveNetSetupState = std::function<Status(const NetSetupState& state)>;

// Creates the bridge and the tap when missing, makes the tap (and the uplink) ports of
// the bridge, sets them up and moves the uplink's IPv4 configuration to the bridge.
// What it creates or moves goes into `*state` and through `save` before the next
// change, so a run that fails midway can still be undone by --down. One line per
// change on `out`; fails naming the device and the operation.
Status SetUpBridge(HostLinks& links, const NetSetupRequest& request, NetSetupState* state,
                   const SaveNetSetupState& save, std::ostream& out);

// Undoes what `*state` records, in reverse order; what is already gone is fine. A
// device net-setup created is deleted only while its name still has the recorded
// ifindex and kind; one made since under that name (or one the record has no ifindex
// for) is left, with a line in `warnings`. Either way it leaves `*state`, so a record
// saved after a failure holds only what is still to undo. A failing part does not stop
// the others (each failure is in the error returned).
Status TearDownBridge(HostLinks& links, NetSetupState* state, std::ostream& out,
                      std::vector<std::string>* warnings);

}  // namespace umla::bridge
