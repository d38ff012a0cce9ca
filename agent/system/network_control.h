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

class NetworkControl {
 public:
  virtual ~NetworkControl() = default;
  // A missing interface is a snapshot with exists=false, not an error.
  virtual Result<InterfaceSnapshot> Read(const std::string& iface) = 0;
  virtual Status SetUp(const std::string& iface) = 0;
  virtual Status SetMtu(const std::string& iface, uint32_t mtu) = 0;
  virtual Status AddAddress(const std::string& iface, const InterfaceAddress& address) = 0;
  virtual Status DeleteAddress(const std::string& iface, const Ipv4Prefix& prefix) = 0;
  // Replaces a route to the same destination in the main table, if there is one.
  virtual Status ReplaceRoute(const std::string& iface, const NetRoute& route) = 0;
  virtual Status DeleteRoute(const std::string& iface, const NetRoute& route) = 0;
};

// rtnetlink in the agent's own network namespace (the guest's).
// One socket serves every call, and the interface's index is looked up once: inside
// UML each syscall is ~0.1 ms (docs/benchmarks.md). A call that fails on a link whose
// index changed meanwhile (re-created) is retried once on the fresh index.
class LinuxNetworkControl : public NetworkControl {
 public:
  LinuxNetworkControl();
  ~LinuxNetworkControl() override;
  Result<InterfaceSnapshot> Read(const std::string& iface) override;
  Status SetUp(const std::string& iface) override;
  Status SetMtu(const std::string& iface, uint32_t mtu) override;
  Status AddAddress(const std::string& iface, const InterfaceAddress& address) override;
  Status DeleteAddress(const std::string& iface, const Ipv4Prefix& prefix) override;
  Status ReplaceRoute(const std::string& iface, const NetRoute& route) override;
  Status DeleteRoute(const std::string& iface, const NetRoute& route) override;

 private:
  Result<netlink::Socket*> OpenSocket();
  // The link called `iface` (nullopt: there is none), from the cache unless `refresh`.
  Result<std::optional<netlink::LinkInfo>> FindLink(const std::string& iface, bool refresh);
  template <typename Action>
  Status WithLink(const std::string& iface, Action action);

  std::unique_ptr<netlink::Socket> socket_;
  std::map<std::string, netlink::LinkInfo> links_;
};

}  // namespace umla::agent
