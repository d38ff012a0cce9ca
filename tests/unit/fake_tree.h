// An in-memory image tree's read side, for the bake tests: `InMemoryTree<TreeView>`
// for planning, or the base of a fake RootTree that also writes.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

#include "common/status.h"

namespace umla::bridge {

template <typename Base>
class InMemoryTree : public Base {
 public:
  bool Exists(const std::string& path) override { return files.count(path) || dirs.count(path); }
  bool IsDirectory(const std::string& path) override { return dirs.count(path) > 0; }
  bool IsRegularFile(const std::string& path) override { return files.count(path) > 0; }
  Result<std::optional<std::string>> ReadFile(const std::string& path) override {
    if (path == unreadable) return Status::Error("read " + path + ": Input/output error");
    auto it = files.find(path);
    if (it == files.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }
  std::optional<std::string> LinkTarget(const std::string& path) override {
    auto it = links.find(path);
    if (it == links.end()) return std::nullopt;
    return it->second;
  }
  std::map<std::string, std::string> files;
  std::map<std::string, std::string> links;
  std::set<std::string> dirs;
  std::string unreadable;  // the one path whose read fails
};

}  // namespace umla::bridge
