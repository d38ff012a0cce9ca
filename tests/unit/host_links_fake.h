// A HostLinks that keeps links, addresses and routes in memory the way the kernel
// does for what net-setup asks (a deleted link takes its addresses and routes along,
// and its ports are released; new links get fresh indexes), and records each change.
#pragma once

#include <linux/rtnetlink.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "host-bridge/hostnet/host_links.h"

namespace umla::bridge {

class FakeHostLinks : public HostLinks {
 public:
  std::vector<netlink::LinkInfo> links;
  std::vector<netlink::AddressInfo> addresses;
  std::vector<netlink::RouteInfo> routes;
  std::vector<std::string> calls;  // "create bridge br0", "delete link tap0 (index 11)", ...
  std::set<std::string> fail;      // calls that fail (and change nothing)
  int next_index = 10;

  // A link as the host has it before net-setup runs; returns its index.
  int Add(const std::string& name, const std::string& kind, bool up = true) {
    netlink::LinkInfo link;
    link.index = next_index++;
    link.name = name;
    link.kind = kind;
    link.up = up;
    links.push_back(link);
    return link.index;
  }
  const netlink::LinkInfo* Find(const std::string& name) const {
    auto it = std::find_if(links.begin(), links.end(), [&](const auto& l) { return l.name == name; });
    return it == links.end() ? nullptr : &*it;
  }

  Result<std::vector<netlink::LinkInfo>> Links() override { return links; }
  Result<std::vector<netlink::AddressInfo>> Addresses() override { return addresses; }
  Result<std::vector<netlink::RouteInfo>> Routes() override { return routes; }
  Status SetLink(const netlink::LinkInfo& link, std::optional<bool> up,
                 std::optional<int> master) override {
    std::string call = "set link " + link.name;
    if (up) call += *up ? " up" : " down";
    if (master) call += " master " + std::to_string(*master);
    if (Status failed = Call(call); !failed.ok()) return failed;
    netlink::LinkInfo* there = ByIndex(link.index);
    if (!there) return Status::Error(call + ": No such device");
    if (up) there->up = *up;
    if (master) there->master = *master;
    return Status::Ok();
  }
  Status AddAddress(const netlink::LinkInfo& link, const Ipv4Prefix& prefix,
                    Ipv4 broadcast) override {
    if (Status failed = Call("add address " + FormatIpv4Prefix(prefix) + " dev " + link.name);
        !failed.ok()) {
      return failed;
    }
    addresses.push_back({link.index, prefix, broadcast});
    return Status::Ok();
  }
  Status DeleteAddress(const netlink::LinkInfo& link, const Ipv4Prefix& prefix) override {
    if (Status failed = Call("delete address " + FormatIpv4Prefix(prefix) + " dev " + link.name);
        !failed.ok()) {
      return failed;
    }
    addresses.erase(std::remove_if(addresses.begin(), addresses.end(),
                                   [&](const auto& a) { return a.index == link.index && a.prefix == prefix; }),
                    addresses.end());
    return Status::Ok();
  }
  Status ReplaceRoute(const netlink::LinkInfo& link, const NetRoute& route,
                      const netlink::RouteOrigin& origin) override {
    if (Status failed = Call("replace route " + DescribeNetRoute(route) + " dev " + link.name);
        !failed.ok()) {
      return failed;
    }
    routes.erase(std::remove_if(routes.begin(), routes.end(),
                                [&](const auto& r) {
                                  return r.table == RT_TABLE_MAIN &&
                                         r.route.destination == route.destination &&
                                         r.metric == origin.metric;
                                }),
                 routes.end());
    netlink::RouteInfo info;
    info.table = RT_TABLE_MAIN;
    info.route = route;
    info.oif = link.index;
    info.protocol = origin.protocol;
    info.type = RTN_UNICAST;
    info.metric = origin.metric;
    routes.push_back(info);
    return Status::Ok();
  }
  Status CreateBridge(const std::string& name) override { return Create("bridge", name); }
  Status CreateTap(const std::string& name, std::optional<uid_t>) override {
    return Create("tun", name);
  }
  Status DeleteLink(const netlink::LinkInfo& link) override {
    std::string call = "delete link " + link.name + " (index " + std::to_string(link.index) + ")";
    if (Status failed = Call(call); !failed.ok()) return failed;
    if (!ByIndex(link.index)) return Status::Error(call + ": No such device");
    links.erase(std::remove_if(links.begin(), links.end(),
                               [&](const auto& l) { return l.index == link.index; }),
                links.end());
    for (auto& port : links) {
      if (port.master == link.index) port.master = 0;
    }
    addresses.erase(std::remove_if(addresses.begin(), addresses.end(),
                                   [&](const auto& a) { return a.index == link.index; }),
                    addresses.end());
    routes.erase(std::remove_if(routes.begin(), routes.end(),
                                [&](const auto& r) { return r.oif == link.index; }),
                 routes.end());
    return Status::Ok();
  }

 private:
  Status Call(const std::string& call) {
    calls.push_back(call);
    if (fail.count(call)) return Status::Error(call + ": Operation not permitted");
    return Status::Ok();
  }
  netlink::LinkInfo* ByIndex(int index) {
    for (auto& link : links) {
      if (link.index == index) return &link;
    }
    return nullptr;
  }
  Status Create(const std::string& kind, const std::string& name) {
    std::string call = "create " + std::string(kind == "tun" ? "tap " : "bridge ") + name;
    if (Status failed = Call(call); !failed.ok()) return failed;
    if (Find(name)) return Status::Error(call + ": File exists");
    Add(name, kind, false);
    return Status::Ok();
  }
};

}  // namespace umla::bridge
