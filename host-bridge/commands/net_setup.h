// `uml-bridge net-setup`: a bridge with a persistent tap as its port (and the uplink,
// when asked, its IPv4 addresses and routes moved to the bridge), created
// idempotently; `--down` removes what an earlier run created and moves back what it
// moved.
#pragma once

#include <optional>
#include <string>

#include "common/status.h"
#include "host-bridge/hostnet/net_setup_state.h"

namespace umla::bridge {

struct NetSetupOptions {
  std::string bridge;
  std::string tap;
  std::string user;    // owner of the tap (name or uid); empty: root only
  std::string uplink;  // host interface to make a port of the bridge; empty: none
  bool down = false;
};

// --tap is given unless --down, and each interface name given (--bridge, --tap,
// --uplink) is one IsInterfaceName takes (common/net_config.h); fails naming the
// option otherwise. Checked before anything else: the bridge's name becomes part of
// the record's path, and the tap's is copied into a kernel request (tap.h).
Status CheckNetSetupOptions(const NetSetupOptions& options);

// The end of the message of a net-setup that failed (set-up or --down), true whatever
// was undone: names `path` when `record` (what that file holds now; nullopt: no file)
// keeps something for --down to undo, and says nothing is recorded otherwise (a device
// made and then deleted again because the record could not be saved leaves nothing).
std::string RecordedForDownNote(const std::optional<NetSetupState>& record,
                                const std::string& path);

// Prints one line per change on stdout. Exit 0, or 2 naming what failed.
int RunNetSetup(const NetSetupOptions& options);

}  // namespace umla::bridge
