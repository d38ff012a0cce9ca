// In-memory fakes for the network tests: a file system that records writes and
// knows symlinks and directories, and a NetworkControl that keeps interface state the
// way the kernel does (the subnet route appears with its address).
#pragma once

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "agent/system/file_system.h"
#include "agent/system/network_control.h"

namespace umla::agent {

class FakeFileSystem : public FileSystem {
 public:
  std::map<std::string, std::string> files;
  std::map<std::string, std::string> symlinks;  // path -> target
  std::set<std::string> dirs;
  std::vector<std::string> writes;

  Result<std::string> ReadFile(const std::string& path) override {
    auto it = files.find(path);
    if (it == files.end()) return Status::Error("open " + path + ": No such file or directory");
    return it->second;
  }
  bool Exists(const std::string& path) override {
    return files.count(path) || dirs.count(path) || symlinks.count(path);
  }
  Status WriteFileAtomic(const std::string& path, const std::string& content,
                         const std::string* = nullptr) override {
    std::string dir = path.substr(0, path.rfind('/'));
    if (!dirs.count(dir)) return Status::Error("create " + path + ": No such file or directory");
    files[path] = content;
    symlinks.erase(path);  // rename replaces a symlink
    writes.push_back(path);
    return Status::Ok();
  }
  Result<std::string> ReadLink(const std::string& path) override {
    auto it = symlinks.find(path);
    if (it == symlinks.end()) return Status::Error(path + " is not a symlink");
    return it->second;
  }
  Status MakeDirectory(const std::string& path) override {
    dirs.insert(path);
    return Status::Ok();
  }
};

class FakeNetworkControl : public NetworkControl {
 public:
  std::map<std::string, InterfaceSnapshot> interfaces;
  std::vector<std::string> calls;
  std::string fail_on;  // a call name that fails (e.g. "ReplaceRoute")

  Result<InterfaceSnapshot> Read(const std::string& iface) override {
    auto it = interfaces.find(iface);
    return it == interfaces.end() ? InterfaceSnapshot{} : it->second;
  }
  Status SetUp(const std::string& iface) override {
    return Do("SetUp", iface, [](InterfaceSnapshot& s) { s.up = true; });
  }
  Status SetMtu(const std::string& iface, uint32_t mtu) override {
    return Do("SetMtu", iface, [mtu](InterfaceSnapshot& s) { s.mtu = mtu; });
  }
  Status AddAddress(const std::string& iface, const InterfaceAddress& address) override {
    return Do("AddAddress", iface, [&](InterfaceSnapshot& s) {
      s.addresses.push_back(address);
      Ipv4Prefix subnet{NetworkOf(address.prefix), address.prefix.length};
      s.routes.push_back({{subnet, std::nullopt}, true});
    });
  }
  Status DeleteAddress(const std::string& iface, const Ipv4Prefix& prefix) override {
    return Do("DeleteAddress", iface, [&](InterfaceSnapshot& s) {
      Ipv4Prefix subnet{NetworkOf(prefix), prefix.length};
      auto& a = s.addresses;
      a.erase(std::remove_if(a.begin(), a.end(), [&](auto& x) { return x.prefix == prefix; }), a.end());
      auto& r = s.routes;
      r.erase(std::remove_if(r.begin(), r.end(),
                             [&](auto& x) { return x.from_kernel && x.route.destination == subnet; }),
              r.end());
    });
  }
  Status ReplaceRoute(const std::string& iface, const NetRoute& route) override {
    return Do("ReplaceRoute", iface, [&](InterfaceSnapshot& s) {
      for (auto& present : s.routes) {
        if (present.route.destination == route.destination) {
          present = {route, false};
          return;
        }
      }
      s.routes.push_back({route, false});
    });
  }
  Status DeleteRoute(const std::string& iface, const NetRoute& route) override {
    return Do("DeleteRoute", iface, [&](InterfaceSnapshot& s) {
      auto& r = s.routes;
      r.erase(std::remove_if(r.begin(), r.end(), [&](auto& x) { return x.route == route; }), r.end());
    });
  }

 private:
  template <typename Change>
  Status Do(const std::string& name, const std::string& iface, Change change) {
    calls.push_back(name + " " + iface);
    if (name == fail_on) return Status::Error(name + " " + iface + ": Network is unreachable");
    auto it = interfaces.find(iface);
    if (it == interfaces.end()) return Status::Error("no network interface " + iface);
    change(it->second);
    return Status::Ok();
  }
};

}  // namespace umla::agent
