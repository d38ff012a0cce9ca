// The host's links as net-setup changes them: the one seam between its logic
// (net_setup_apply.h) and the kernel, so the unit tests run it on a fake. The real one
// speaks rtnetlink (common/netlink.h) and makes taps through /dev/net/tun (tap.h).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "common/netlink.h"
#include "common/status.h"
#include "host-bridge/hostnet/tap.h"

namespace umla::bridge {

class HostLinks {
 public:
  virtual ~HostLinks() = default;
  virtual Result<std::vector<netlink::LinkInfo>> Links() = 0;
  virtual Result<std::vector<netlink::AddressInfo>> Addresses() = 0;  // IPv4
  virtual Result<std::vector<netlink::RouteInfo>> Routes() = 0;       // IPv4, every table
  // Sets what is given: up/down, master (0 releases).
  virtual Status SetLink(const netlink::LinkInfo& link, std::optional<bool> up,
                         std::optional<int> master) = 0;
  virtual Status AddAddress(const netlink::LinkInfo& link, const Ipv4Prefix& prefix,
                            Ipv4 broadcast) = 0;
  virtual Status DeleteAddress(const netlink::LinkInfo& link, const Ipv4Prefix& prefix) = 0;
  // In the main table, replacing a route to the same destination.
  virtual Status ReplaceRoute(const netlink::LinkInfo& link, const NetRoute& route,
                              const netlink::RouteOrigin& origin) = 0;
  // Fails when a link of that name exists (it is never taken over).
  virtual Status CreateBridge(const std::string& name) = 0;
  virtual Status CreateTap(const std::string& name, std::optional<uid_t> owner) = 0;
  virtual Status DeleteLink(const netlink::LinkInfo& link) = 0;  // by its index
};

// The kernel's, through one rtnetlink socket.
class NetlinkHostLinks : public HostLinks {
 public:
  Status Open() { return socket_.Open(); }
  Result<std::vector<netlink::LinkInfo>> Links() override { return socket_.Links(); }
  Result<std::vector<netlink::AddressInfo>> Addresses() override { return socket_.Addresses(); }
  Result<std::vector<netlink::RouteInfo>> Routes() override { return socket_.Routes(); }
  Status SetLink(const netlink::LinkInfo& link, std::optional<bool> up,
                 std::optional<int> master) override {
    return socket_.SetLink(link, up, 0, master);
  }
  Status AddAddress(const netlink::LinkInfo& link, const Ipv4Prefix& prefix,
                    Ipv4 broadcast) override {
    return socket_.AddAddress(link, prefix, broadcast);
  }
  Status DeleteAddress(const netlink::LinkInfo& link, const Ipv4Prefix& prefix) override {
    return socket_.DeleteAddress(link, prefix);
  }
  Status ReplaceRoute(const netlink::LinkInfo& link, const NetRoute& route,
                      const netlink::RouteOrigin& origin) override {
    return socket_.AddRoute(link, route, true, origin);
  }
  Status CreateBridge(const std::string& name) override { return socket_.CreateBridge(name); }
  Status CreateTap(const std::string& name, std::optional<uid_t> owner) override {
    return CreatePersistentTap(name, owner);
  }
  Status DeleteLink(const netlink::LinkInfo& link) override { return socket_.DeleteLink(link); }

 private:
  netlink::Socket socket_;
};

}  // namespace umla::bridge
