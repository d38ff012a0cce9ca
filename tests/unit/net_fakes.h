// In-memory fakes for the network tests: a file system that records writes and
// hidden files and knows symlinks and directories, and a NetworkControl that keeps interface state the
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
  std::vector<std::string> hidden;  // paths HideFile took out of use
  std::vector<std::string> listed;  // directories ListDirectory was asked about
  std::string fail_write;  // a path whose write or hiding fails
  std::string fail_read;   // a path that is there but cannot be read

  Result<std::string> ReadFile(const std::string& path) override {
    if (path == fail_read) return Status::Error("read " + path + ": Input/output error");
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
    if (path == fail_write) return Status::Error("create " + path + ": Read-only file system");
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
  Result<std::vector<std::string>> ListDirectory(const std::string& path) override {
    listed.push_back(path);
    std::set<std::string> names;
    auto add = [&](const std::string& entry) {
      size_t slash = entry.rfind('/');
      if (entry.substr(0, slash) == path) names.insert(entry.substr(slash + 1));
    };
    for (const auto& [entry, content] : files) add(entry);
    for (const auto& [entry, target] : symlinks) add(entry);
    for (const auto& entry : dirs) add(entry);
    return std::vector<std::string>(names.begin(), names.end());
  }
  Status HideFile(const std::string& path, const std::string& hidden_as) override {
    if (path == fail_write) return Status::Error("rename " + path + ": Read-only file system");
    auto it = files.find(path);
    if (it == files.end()) return Status::Error("rename " + path + ": No such file or directory");
    files[hidden_as] = it->second;
    files.erase(path);
    hidden.push_back(path);
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
  std::vector<Status> Apply(const std::string& iface,
                            const std::vector<NetAction>& actions) override {
    std::vector<Status> statuses;
    for (const NetAction& action : actions) statuses.push_back(ApplyOne(iface, action));
    if (drop_last_status && !statuses.empty()) statuses.pop_back();
    return statuses;
  }
  bool drop_last_status = false;  // a seam that breaks its promise of one per action

 private:
  Status ApplyOne(const std::string& iface, const NetAction& action) {
    switch (action.kind) {
      case NetAction::kSetUp: return Do("SetUp", iface, [](InterfaceSnapshot& s) { s.up = true; });
      case NetAction::kSetMtu:
        return Do("SetMtu", iface, [&](InterfaceSnapshot& s) { s.mtu = action.mtu; });
      case NetAction::kAddAddress:
        return Do("AddAddress", iface, [&](InterfaceSnapshot& s) {
          s.addresses.push_back(action.address);
          Ipv4Prefix subnet{NetworkOf(action.address.prefix), action.address.prefix.length};
          // As the kernel: no prefix route for a /32 (its prefix is the address).
          if (subnet.length < 32) s.routes.push_back({{subnet, std::nullopt}, true});
        });
      case NetAction::kDeleteAddress:
        return Do("DeleteAddress", iface, [&](InterfaceSnapshot& s) {
          const Ipv4Prefix& prefix = action.address.prefix;
          Ipv4Prefix subnet{NetworkOf(prefix), prefix.length};
          auto& a = s.addresses;
          a.erase(std::remove_if(a.begin(), a.end(), [&](auto& x) { return x.prefix == prefix; }),
                  a.end());
          auto& r = s.routes;
          r.erase(std::remove_if(r.begin(), r.end(),
                                 [&](auto& x) { return x.from_kernel && x.route.destination == subnet; }),
                  r.end());
        });
      case NetAction::kReplaceRoute:
        return Do("ReplaceRoute", iface, [&](InterfaceSnapshot& s) {
          for (auto& present : s.routes) {
            if (present.route.destination == action.route.destination) {
              present = {action.route, false};
              return;
            }
          }
          s.routes.push_back({action.route, false});
        });
      case NetAction::kDeleteRoute:
        return Do("DeleteRoute", iface, [&](InterfaceSnapshot& s) {
          auto& r = s.routes;
          r.erase(std::remove_if(r.begin(), r.end(), [&](auto& x) { return x.route == action.route; }),
                  r.end());
        });
    }
    return Status::Error("unknown network action");
  }

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
