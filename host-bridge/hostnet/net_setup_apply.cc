#include "host-bridge/hostnet/net_setup_apply.h"

#include "host-bridge/hostnet/uplink_move.h"

namespace umla::bridge {

Status SetUpBridge(HostLinks& links, const NetSetupRequest& request, NetSetupState* state,
                   const SaveNetSetupState& save, std::ostream& out) {
  auto all = links.Links();
  if (!all.ok()) return all.status();
  auto bridge = netlink::FindLink(*all, request.bridge);
  if (bridge && bridge->kind != "bridge") return Status::Error(request.bridge + " exists and is not a bridge");
  if (!bridge) {
    Status made = links.CreateBridge(request.bridge);
    if (!made.ok()) return made;
    state->created_bridge = true;
    out << "created bridge " << request.bridge << "\n";
    Status saved = save(*state);
    if (!saved.ok()) return saved;
  }
  auto tap = netlink::FindLink(*all, request.tap);
  if (tap && tap->kind != "tun") return Status::Error(request.tap + " exists and is not a tap");
  if (!tap) {
    Status made = links.CreateTap(request.tap, request.owner);
    if (!made.ok()) return made;
    state->created_tap = true;
    out << "created persistent tap " << request.tap
        << (request.owner ? " owned by uid " + std::to_string(*request.owner) : std::string()) << "\n";
  }
  Status saved = save(*state);
  if (!saved.ok()) return saved;

  auto br = LinkNamed(links, request.bridge);
  if (!br.ok()) return br.status();
  std::vector<std::string> ports = {request.tap};
  if (!request.uplink.empty()) ports.push_back(request.uplink);
  for (const auto& name : ports) {
    auto port = LinkNamed(links, name);
    if (!port.ok()) return port.status();
    bool join = port->master != br->index;
    if (join && name == request.uplink) {
      // Recorded before it joins: --down restores this even if a later change fails.
      auto addresses = links.Addresses();
      if (!addresses.ok()) return addresses.status();
      auto routes = links.Routes();
      if (!routes.ok()) return routes.status();
      state->uplink = name;
      state->uplink_was_down = !port->up;
      state->moved = UplinkConfigOf(port->index, *addresses, *routes);
      saved = save(*state);
      if (!saved.ok()) return saved;
    }
    if (join || !port->up) {
      Status set = links.SetLink(*port, true, join ? std::optional<int>(br->index) : std::nullopt);
      if (!set.ok()) return set;
      if (join) out << name << ": now a port of " << request.bridge << "\n";
    }
  }
  if (!br->up) {
    Status set = links.SetLink(*br, true, std::nullopt);
    if (!set.ok()) return set;
    out << request.bridge << ": up\n";
  }
  // Up first: a route through a link that is down cannot be added. Also on a later
  // run, which so finishes a move that stopped midway (and otherwise changes nothing).
  if (!state->moved.empty() && state->uplink == request.uplink) {
    return MoveUplinkConfig(links, request.uplink, request.bridge, state->moved, out);
  }
  return Status::Ok();
}

Status TearDownBridge(HostLinks& links, const NetSetupState& state, std::ostream& out) {
  std::vector<std::string> errors;
  auto keep = [&errors](const Status& status) {
    if (!status.ok()) errors.push_back(status.message());
    return status.ok();
  };
  if (!state.uplink.empty()) {
    auto uplink = LinkNamed(links, state.uplink);
    auto bridge = LinkNamed(links, state.bridge);
    if (uplink.ok() && bridge.ok() && uplink->master == bridge->index) {
      std::optional<bool> up = state.uplink_was_down ? std::optional<bool>(false) : std::nullopt;
      if (keep(links.SetLink(*uplink, up, 0))) {
        out << state.uplink << ": no longer a port of " << state.bridge << "\n";
      }
    }
    if (uplink.ok() && !state.moved.empty()) {
      keep(MoveUplinkConfig(links, state.bridge, state.uplink, state.moved, out));
    }
  }
  for (const auto& [created, name] : {std::pair{state.created_tap, state.tap},
                                      std::pair{state.created_bridge, state.bridge}}) {
    if (!created) continue;
    auto link = LinkNamed(links, name);
    if (!link.ok()) continue;
    if (keep(links.DeleteLink(*link))) out << "removed " << name << "\n";
  }
  return JoinErrors(errors);
}

}  // namespace umla::bridge
