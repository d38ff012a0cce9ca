// The guest's network interfaces as the net step sees them: a snapshot of one
// interface (link, IPv4 addresses, main-table routes through it) and the changes the
// step makes. Linux implementation over rtnetlink; tests use a fake.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/net_config.h"
#include "common/netlink.h"
#include "common/status.h"

namespace umla::agent {

struct InterfaceAddress {
  Ipv4Prefix prefix;
  Ipv4 broadcast = 0;
  bool operator==(const InterfaceAddress& other) const {
    return prefix == other.prefix && broadcast == other.broadcast;
  }
};

struct InterfaceRoute {
  NetRoute route;
  bool from_kernel = false;  // added by the kernel with an address (proto kernel)
};

struct InterfaceSnapshot {
  bool exists = false;
  bool up = false;
  uint32_t mtu = 0;
  std::vector<InterfaceAddress> addresses;  // IPv4
  std::vector<InterfaceRoute> routes;       // IPv4, main table, unicast, through it
};

// One change to an interface (agent/steps/net/net_plan.h plans them).
struct NetAction {
  // kReplaceRoute replaces a route to the same destination in the main table, if any.
  enum Kind { kSetUp, kSetMtu, kDeleteRoute, kDeleteAddress, kAddAddress, kReplaceRoute };
  Kind kind;
  uint32_t mtu = 0;
  InterfaceAddress address;  // kAddAddress, kDeleteAddress (prefix only)
  NetRoute route;            // kReplaceRoute, kDeleteRoute
};

class NetworkControl {
 public:
  virtual ~NetworkControl() = default;
  // A missing interface is a snapshot with exists=false, not an error.
  virtual Result<InterfaceSnapshot> Read(const std::string& iface) = 0;
  // Makes every change, in order, and says how each went (one status per action).
  // One failing does not stop the others, as the kernel does with a batch; those that
  // build on it (a route through a gateway only the new address reaches) fail too.
  virtual std::vector<Status> Apply(const std::string& iface,
                                    const std::vector<NetAction>& actions) = 0;
};

// rtnetlink in the agent's own network namespace (the guest's).
// One socket serves every call, the interface is asked for by name and its index kept,
// and a step's changes go to the kernel in one batch: inside UML each syscall is
// ~60 us (docs/benchmarks.md). Changes that fail on a link whose index changed
// meanwhile (re-created) are tried once more on the fresh index.
class LinuxNetworkControl : public NetworkControl {
 public:
  LinuxNetworkControl();
  ~LinuxNetworkControl() override;
  Result<InterfaceSnapshot> Read(const std::string& iface) override;
  std::vector<Status> Apply(const std::string& iface,
                            const std::vector<NetAction>& actions) override;

 private:
  Result<netlink::Socket*> OpenSocket();
  // The link called `iface` (nullopt: there is none), from the cache unless `refresh`.
  Result<std::optional<netlink::LinkInfo>> FindLink(const std::string& iface, bool refresh);
  // Keeps what the kernel said of `iface` (nullopt: there is none) for Apply.
  void Remember(const std::string& iface, const std::optional<netlink::LinkInfo>& link);
  std::vector<Status> Send(const netlink::LinkInfo& link, const std::vector<NetAction>& actions);

  std::unique_ptr<netlink::Socket> socket_;
  std::map<std::string, netlink::LinkInfo> links_;
};

}  // namespace umla::agent
