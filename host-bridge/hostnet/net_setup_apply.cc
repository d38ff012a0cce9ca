#include "host-bridge/hostnet/net_setup_apply.h"

#include "host-bridge/hostnet/uplink_move.h"

namespace umla::bridge {
namespace {

// IFLA_INFO_KIND of what net-setup creates.
constexpr const char* kBridgeKind = "bridge";
constexpr const char* kTapKind = "tun";

// Makes link `name` through `create` and records it in `*state` (`*created`, and
// `*ifindex`: the index the kernel gave it), saved through `save` before anything
// else changes. When that save fails the link is deleted again: left unrecorded,
// --down could never remove it. (Saving the intent before creating would leave a
// record without an index after a failed second save, and such a device cannot be
// told from another of its name; this way the link deleted is the one just made.)
Status CreateRecorded(HostLinks& links, const std::string& name, const std::string& kind,
                      const std::function<Status()>& create, bool* created, int* ifindex,
                      NetSetupState* state, const SaveNetSetupState& save) {
  Status made = create();
  if (!made.ok()) return made;
  auto link = LinkNamed(links, name);
  if (!link.ok()) {
    return link.status().Annotate(name + " was created but cannot be looked up (not recorded: " +
                                  "remove it with `ip link delete " + name + "`)");
  }
  if (link->kind != kind) {
    return Status::Error(name + " was created, but is of kind \"" + link->kind + "\" now, not " +
                         kind + ": replaced meanwhile, so left alone and not recorded");
  }
  *created = true;
  *ifindex = link->index;
  Status saved = save(*state);
  if (saved.ok()) return saved;
  *created = false;
  *ifindex = 0;
  Status removed = links.DeleteLink(*link);
  if (removed.ok()) return Status::Error(saved.message() + "; " + name + " deleted again");
  return Status::Error(saved.message() + "; " + name + " could not be deleted again (" +
                       removed.message() + "): not recorded, remove it with `ip link delete " +
                       name + "`");
}

// "ifindex 12 (kind tun)": how a device is told from another of the same name.
std::string Identity(int index, const std::string& kind) {
  return "ifindex " + std::to_string(index) + " (kind " + (kind.empty() ? "none" : kind) + ")";
}

// Deletes link `name`, which net-setup created as `*ifindex` of `kind`, when the link
// of that name is still that one; one made since under the name is left, with a
// warning, and so is one whose index the record does not know. `*created` ends false
// unless the deletion failed (its error goes to `errors`): the record then drops it.
void RemoveCreated(HostLinks& links, const std::string& name, const std::string& kind,
                   bool* created, int* ifindex, std::ostream& out,
                   std::vector<std::string>* warnings, std::vector<std::string>* errors) {
  if (!*created) return;
  auto all = links.Links();
  if (!all.ok()) {
    errors->push_back(all.status().message());
    return;
  }
  std::optional<netlink::LinkInfo> link = netlink::FindLink(*all, name);
  if (!link) {
    // Gone already: nothing to undo.
  } else if (*ifindex == 0) {
    warnings->push_back(name + " not removed: the record (from an older uml-bridge) has no " +
                        "ifindex for it, so it cannot be told from a device made since under " +
                        "that name; if it is the one net-setup created, remove it with `ip link " +
                        "delete " + name + "`");
  } else if (link->index != *ifindex || link->kind != kind) {
    warnings->push_back(name + " not removed: net-setup created it as " +
                        Identity(*ifindex, kind) + ", but " + name + " is " +
                        Identity(link->index, link->kind) +
                        " now, a device made since under that name, not net-setup's to delete");
  } else {
    Status deleted = links.DeleteLink(*link);
    if (!deleted.ok()) {
      errors->push_back(deleted.message());
      return;
    }
    out << "removed " << name << "\n";
  }
  *created = false;
  *ifindex = 0;
}

}  // namespace

Status SetUpBridge(HostLinks& links, const NetSetupRequest& request, NetSetupState* state,
                   const SaveNetSetupState& save, std::ostream& out) {
  auto all = links.Links();
  if (!all.ok()) return all.status();
  auto bridge = netlink::FindLink(*all, request.bridge);
  if (bridge && bridge->kind != kBridgeKind) return Status::Error(request.bridge + " exists and is not a bridge");
  if (!bridge) {
    Status made = CreateRecorded(
        links, request.bridge, kBridgeKind, [&] { return links.CreateBridge(request.bridge); },
        &state->created_bridge, &state->bridge_ifindex, state, save);
    if (!made.ok()) return made;
    out << "created bridge " << request.bridge << "\n";
  }
  auto tap = netlink::FindLink(*all, request.tap);
  if (tap && tap->kind != kTapKind) return Status::Error(request.tap + " exists and is not a tap");
  if (!tap) {
    Status made = CreateRecorded(
        links, request.tap, kTapKind, [&] { return links.CreateTap(request.tap, request.owner); },
        &state->created_tap, &state->tap_ifindex, state, save);
    if (!made.ok()) return made;
    out << "created persistent tap " << request.tap
        << (request.owner ? " owned by uid " + std::to_string(*request.owner) : std::string()) << "\n";
  }
  Status saved = save(*state);  // also when nothing was created: the record names the tap
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

Status TearDownBridge(HostLinks& links, NetSetupState* state, std::ostream& out,
                      std::vector<std::string>* warnings) {
  std::vector<std::string> errors;
  auto keep = [&errors](const Status& status) {
    if (!status.ok()) errors.push_back(status.message());
    return status.ok();
  };
  if (!state->uplink.empty()) {
    auto uplink = LinkNamed(links, state->uplink);
    auto bridge = LinkNamed(links, state->bridge);
    bool released = true;
    if (uplink.ok() && bridge.ok() && uplink->master == bridge->index) {
      std::optional<bool> up = state->uplink_was_down ? std::optional<bool>(false) : std::nullopt;
      released = keep(links.SetLink(*uplink, up, 0));
      if (released) out << state->uplink << ": no longer a port of " << state->bridge << "\n";
    }
    bool given_back = true;
    if (uplink.ok() && !state->moved.empty()) {
      given_back = keep(MoveUplinkConfig(links, state->bridge, state->uplink, state->moved, out));
    }
    // Done with: a record saved after a later failure must not have a re-run of
    // --down move the addresses and routes a second time.
    if (uplink.ok() && released && given_back) {
      state->uplink.clear();
      state->moved = {};
    }
  }
  RemoveCreated(links, state->tap, kTapKind, &state->created_tap, &state->tap_ifindex, out,
                warnings, &errors);
  RemoveCreated(links, state->bridge, kBridgeKind, &state->created_bridge, &state->bridge_ifindex,
                out, warnings, &errors);
  return JoinErrors(errors);
}

}  // namespace umla::bridge
