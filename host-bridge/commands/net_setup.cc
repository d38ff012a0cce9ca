#include "host-bridge/commands/net_setup.h"

#include <linux/rtnetlink.h>
#include <pwd.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "common/net_config.h"
#include "common/netlink.h"
#include "common/strings.h"
#include "host-bridge/hostnet/net_setup_state.h"
#include "host-bridge/hostnet/tap.h"
#include "host-bridge/watch/exit_codes.h"

namespace umla::bridge {
namespace {

unsigned long NetnsInode() {
  struct stat st;
  return ::stat("/proc/self/ns/net", &st) == 0 ? static_cast<unsigned long>(st.st_ino) : 0;
}

std::optional<NetSetupState> LoadState(const std::string& path, Status* problem) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  auto state = NetSetupStateFromJson(text.str(), path);
  if (!state.ok()) {
    *problem = state.status();
    return std::nullopt;
  }
  return *state;
}

Status SaveState(const std::string& path, const NetSetupState& state) {
  ::mkdir(kNetSetupStateDir, 0755);
  std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << NetSetupStateToJson(state);
    if (!out.flush()) return Status::Error("cannot write " + temp);
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) return Status::FromErrno("rename " + temp, errno);
  return Status::Ok();
}

Result<std::optional<uid_t>> ResolveUser(const std::string& user) {
  if (user.empty()) return std::optional<uid_t>();
  if (auto uid = ParseUnsigned(user, 0xFFFFFFFEu)) return std::optional<uid_t>(static_cast<uid_t>(*uid));
  struct passwd* entry = ::getpwnam(user.c_str());
  if (!entry) return Status::Error("--user " + user + ": no such user");
  return std::optional<uid_t>(entry->pw_uid);
}

// Looks `name` up again (indexes and masters change as we go).
Result<netlink::LinkInfo> Link(netlink::Socket& socket, const std::string& name) {
  auto links = socket.Links();
  if (!links.ok()) return links.status();
  auto link = netlink::FindLink(*links, name);
  if (!link) return Status::Error("no network interface " + name);
  return *link;
}

// The addresses and routes of link `index` (see uplink_config.h).
Result<UplinkConfig> ReadUplinkConfig(netlink::Socket& socket, int index) {
  auto addresses = socket.Addresses();
  if (!addresses.ok()) return addresses.status();
  auto routes = socket.Routes();
  if (!routes.ok()) return routes.status();
  return UplinkConfigOf(index, *addresses, *routes);
}

// Moves `config` from link `from` to link `to`, make before break: every address is
// added to `to` and every route replaced through `to` before any address leaves `from`
// (the last to leave takes `from`'s routes along), the newest address first (a primary
// leaving first would take its secondaries along). What is in place already is left
// alone and not reported, so running it again finishes a move that stopped midway,
// and a finished move changes nothing.
Status MoveConfig(netlink::Socket& socket, const std::string& from, const std::string& to,
                  const UplinkConfig& config) {
  auto to_link = Link(socket, to);
  if (!to_link.ok()) return to_link.status();
  auto has = [&socket](int index, const Ipv4Prefix& prefix) -> Result<bool> {
    auto addresses = socket.Addresses();
    if (!addresses.ok()) return addresses.status();
    return std::any_of(addresses->begin(), addresses->end(), [&](const auto& info) {
      return info.index == index && info.prefix == prefix;
    });
  };
  for (const MovedAddress& address : config.addresses) {
    Result<bool> there = has(to_link->index, address.prefix);
    if (!there.ok()) return there.status();
    if (*there) continue;
    Status added = socket.AddAddress(*to_link, address.prefix, address.broadcast);
    if (!added.ok()) return added;
    std::cout << "address " << DescribeAddress(address) << ": now on " << to << "\n";
  }
  auto routes = socket.Routes();
  if (!routes.ok()) return routes.status();
  for (const MovedRoute& moved : config.routes) {
    bool in_place = std::any_of(routes->begin(), routes->end(), [&](const auto& route) {
      return route.oif == to_link->index && route.table == RT_TABLE_MAIN &&
             route.route == moved.route && route.metric == moved.origin.metric;
    });
    if (in_place) continue;
    Status added = socket.AddRoute(*to_link, moved.route, true, moved.origin);
    if (!added.ok()) return added;
    std::cout << "route " << DescribeRoute(moved) << ": now through " << to << "\n";
  }
  auto from_link = Link(socket, from);
  if (!from_link.ok()) return Status::Ok();  // gone: nothing to take off it
  for (auto address = config.addresses.rbegin(); address != config.addresses.rend(); ++address) {
    Result<bool> there = has(from_link->index, address->prefix);
    if (!there.ok()) return there.status();
    if (!*there) continue;
    Status removed = socket.DeleteAddress(*from_link, address->prefix);
    if (!removed.ok()) return removed;
    std::cout << "address " << DescribeAddress(*address) << ": removed from " << from << "\n";
  }
  return Status::Ok();
}

Status Up(netlink::Socket& socket, const NetSetupOptions& options, std::optional<uid_t> owner,
          NetSetupState* state, const std::string& state_path) {
  auto links = socket.Links();
  if (!links.ok()) return links.status();
  auto bridge = netlink::FindLink(*links, options.bridge);
  if (bridge && bridge->kind != "bridge") return Status::Error(options.bridge + " exists and is not a bridge");
  if (!bridge) {
    Status made = socket.CreateBridge(options.bridge);
    if (!made.ok()) return made;
    state->created_bridge = true;
    std::cout << "created bridge " << options.bridge << "\n";
    Status saved = SaveState(state_path, *state);
    if (!saved.ok()) return saved;
  }
  auto tap = netlink::FindLink(*links, options.tap);
  if (tap && tap->kind != "tun") return Status::Error(options.tap + " exists and is not a tap");
  if (!tap) {
    Status made = CreatePersistentTap(options.tap, owner);
    if (!made.ok()) return made;
    state->created_tap = true;
    std::cout << "created persistent tap " << options.tap
              << (owner ? " owned by uid " + std::to_string(*owner) : std::string()) << "\n";
  }
  Status saved = SaveState(state_path, *state);
  if (!saved.ok()) return saved;

  auto br = Link(socket, options.bridge);
  if (!br.ok()) return br.status();
  std::vector<std::string> ports = {options.tap};
  if (!options.uplink.empty()) ports.push_back(options.uplink);
  for (const auto& name : ports) {
    auto port = Link(socket, name);
    if (!port.ok()) return port.status();
    bool join = port->master != br->index;
    if (join && name == options.uplink) {
      // Recorded before it joins: --down restores this even if a later change fails.
      auto config = ReadUplinkConfig(socket, port->index);
      if (!config.ok()) return config.status();
      state->uplink = name;
      state->uplink_was_down = !port->up;
      state->moved = *config;
      saved = SaveState(state_path, *state);
      if (!saved.ok()) return saved;
    }
    if (join || !port->up) {
      Status set = socket.SetLink(*port, true, 0, join ? std::optional<int>(br->index) : std::nullopt);
      if (!set.ok()) return set;
      if (join) std::cout << name << ": now a port of " << options.bridge << "\n";
    }
  }
  if (!br->up) {
    Status set = socket.SetLink(*br, true, 0, std::nullopt);
    if (!set.ok()) return set;
    std::cout << options.bridge << ": up\n";
  }
  // Up first: a route through a link that is down cannot be added. Also on a later
  // run, which so finishes a move that stopped midway (and otherwise changes nothing).
  if (!state->moved.empty() && state->uplink == options.uplink) {
    return MoveConfig(socket, options.uplink, options.bridge, state->moved);
  }
  return Status::Ok();
}

// Undoes what `state` records, in reverse order; what is already gone is fine. A
// failing part does not stop the others (each failure is in the error returned).
Status Down(netlink::Socket& socket, const NetSetupState& state) {
  std::vector<std::string> errors;
  auto keep = [&errors](const Status& status) {
    if (!status.ok()) errors.push_back(status.message());
    return status.ok();
  };
  if (!state.uplink.empty()) {
    auto uplink = Link(socket, state.uplink);
    auto bridge = Link(socket, state.bridge);
    if (uplink.ok() && bridge.ok() && uplink->master == bridge->index) {
      std::optional<bool> up = state.uplink_was_down ? std::optional<bool>(false) : std::nullopt;
      if (keep(socket.SetLink(*uplink, up, 0, 0))) {
        std::cout << state.uplink << ": no longer a port of " << state.bridge << "\n";
      }
    }
    if (uplink.ok() && !state.moved.empty()) {
      keep(MoveConfig(socket, state.bridge, state.uplink, state.moved));
    }
  }
  for (const auto& [created, name] : {std::pair{state.created_tap, state.tap},
                                      std::pair{state.created_bridge, state.bridge}}) {
    if (!created) continue;
    auto link = Link(socket, name);
    if (!link.ok()) continue;
    if (keep(socket.DeleteLink(*link))) std::cout << "removed " << name << "\n";
  }
  return JoinErrors(errors);
}

}  // namespace

Status CheckNetSetupOptions(const NetSetupOptions& options) {
  for (const auto& [option, name] : {std::pair{"--bridge", &options.bridge},
                                     std::pair{"--tap", &options.tap},
                                     std::pair{"--uplink", &options.uplink}}) {
    bool optional = name != &options.bridge;  // main.cc asks for --tap where it is needed
    if ((optional && name->empty()) || IsInterfaceName(*name)) continue;
    return Status::Error(std::string(option) + " \"" + SanitizeForTerminal(*name) +
                         "\": expected " + kInterfaceNameRule);
  }
  return Status::Ok();
}

int RunNetSetup(const NetSetupOptions& options) {
  auto fail = [](const std::string& message) {
    std::cerr << "uml-bridge net-setup: " << message << "\n";
    return kExitUsage;
  };
  Status names = CheckNetSetupOptions(options);
  if (!names.ok()) return fail(names.message());
  auto owner = ResolveUser(options.user);
  if (!owner.ok()) return fail(owner.status().message());
  netlink::Socket socket;
  Status opened = socket.Open();
  if (!opened.ok()) return fail(opened.message());

  std::string path = NetSetupStatePath(NetnsInode(), options.bridge);
  Status problem;
  std::optional<NetSetupState> recorded = LoadState(path, &problem);
  if (!problem.ok()) return fail(problem.message());
  if (options.down) {
    if (!recorded) {
      std::cout << "nothing recorded for " << options.bridge << " in this network namespace ("
                << path << "); nothing to undo\n";
      return kExitReady;
    }
    Status undone = Down(socket, *recorded);
    if (!undone.ok()) return fail(undone.message() + " (state kept in " + path + ")");
    std::remove(path.c_str());
    return kExitReady;
  }
  NetSetupState state = recorded.value_or(NetSetupState{});
  if (recorded && !recorded->tap.empty() && recorded->tap != options.tap) {
    return fail(options.bridge + " was set up with tap " + recorded->tap + " (see " + path +
                "); run --down first");
  }
  // One uplink a record: a second would overwrite what --down gives back to the first.
  if (recorded && !recorded->uplink.empty() && recorded->uplink != options.uplink) {
    return fail(options.bridge + " was set up with uplink " + recorded->uplink + " (see " +
                path + "); run --down first");
  }
  state.bridge = options.bridge;
  state.tap = options.tap;
  Status done = Up(socket, options, *owner, &state, path);
  if (!done.ok()) return fail(done.message() + " (what was made is recorded in " + path + ")");
  return kExitReady;
}

}  // namespace umla::bridge
